import { createPostgresStores } from '@limitedcart/adapter-postgres';
import type { IdempotencyStore, StoreSet } from '@limitedcart/core';
import { describeIdempotencyStoreContract } from '@limitedcart/core/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisIdempotencyFilter } from '../src/index.js';
import { createLedgerDatabase, databaseUrl, type LedgerDatabase } from './postgres-env.js';
import { connect, deleteKeysUnder, keysUnder, redisUrl, uniquePrefix } from './redis-env.js';

const available = redisUrl !== undefined && databaseUrl !== undefined;

/** The Postgres store behind the filter, with its `find` calls counted. */
const countingFinds = (store: IdempotencyStore) => {
  const counter = { finds: 0 };
  const counted: IdempotencyStore = {
    find: (scope, key) => {
      counter.finds += 1;
      return store.find(scope, key);
    },
    claim: (scope, key, hash) => store.claim(scope, key, hash),
    complete: (scope, key, response) => store.complete(scope, key, response),
    abandon: (scope, key) => store.abandon(scope, key),
    reclaim: (scope, key, staleAfterMs) => store.reclaim(scope, key, staleAfterMs),
  };
  return { store: counted, counter };
};

describe.skipIf(!available)('Redis idempotency filter over the Postgres store', () => {
  describeIdempotencyStoreContract('redis filter + postgres', async () => {
    const database = await createLedgerDatabase('idem_kit');
    const redis = connect();
    const keyPrefix = uniquePrefix('idem-kit');
    const stores = createPostgresStores({ pool: database.pool, schema: database.schema });
    const idempotency = createRedisIdempotencyFilter({ redis, keyPrefix, store: stores.idempotency });
    return {
      stores: { ...stores, idempotency } satisfies StoreSet,
      close: async () => {
        await deleteKeysUnder(redis, keyPrefix);
        await redis.quit();
        await database.drop();
      },
    };
  });

  let database: LedgerDatabase;
  let redis: Redis;
  const keyPrefix = uniquePrefix('idem');

  beforeAll(async () => {
    database = await createLedgerDatabase('idem');
    redis = connect();
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, keyPrefix);
    await redis?.quit();
    await database?.drop();
  });

  const filterOver = () => {
    const counted = countingFinds(createPostgresStores({ pool: database.pool, schema: database.schema }).idempotency);
    return { filter: createRedisIdempotencyFilter({ redis, keyPrefix, store: counted.store, ttlSeconds: 60 }), counter: counted.counter };
  };

  it('answers an unused key without asking the store, and a used one from the store', async () => {
    const { filter, counter } = filterOver();
    expect(await filter.find('scope-a', 'fresh')).toBeNull();
    expect(counter.finds).toBe(0);
    expect(await filter.claim('scope-a', 'used', 'hash')).toEqual({ claimed: true });
    await filter.complete('scope-a', 'used', { status: 202, body: { orderId: 'o-1' } });
    expect((await filter.find('scope-a', 'used'))?.response).toEqual({ status: 202, body: { orderId: 'o-1' } });
    expect(counter.finds).toBe(1);
    // The mark expires with the TTL.
    const [mark] = await keysUnder(redis, `${keyPrefix}:idem`);
    expect(await redis.ttl(mark!)).toBeGreaterThan(50);
  });

  it('closes the client it opened for a URL and leaves a borrowed one open', async () => {
    const store = createPostgresStores({ pool: database.pool, schema: database.schema }).idempotency;
    const owned = createRedisIdempotencyFilter({ url: redisUrl!, keyPrefix, store });
    expect(await owned.find('scope-url', 'fresh')).toBeNull();
    await owned.close();
    const borrowed = filterOver().filter;
    await borrowed.close();
    expect(await redis.ping()).toBe('PONG');
  });

  it('keeps scope/key pairs apart even when a scope contains the separator', async () => {
    const { filter } = filterOver();
    await filter.claim('a:b', 'c', 'hash');
    expect(await filter.find('a', 'b:c')).toBeNull();
    expect(await filter.find('a:b', 'c')).not.toBeNull();
  });

  it('with the marks lost, find misses old keys but the store still refuses a second claim', async () => {
    const { filter } = filterOver();
    expect(await filter.claim('scope-b', 'k', 'hash')).toEqual({ claimed: true });
    await filter.complete('scope-b', 'k', { status: 202, body: { orderId: 'o-2' } });
    await deleteKeysUnder(redis, `${keyPrefix}:idem`);
    expect(await filter.find('scope-b', 'k')).toBeNull();
    const again = await filter.claim('scope-b', 'k', 'hash');
    expect(again.claimed).toBe(false);
    if (!again.claimed) expect(again.record.response).toEqual({ status: 202, body: { orderId: 'o-2' } });
  });
});
