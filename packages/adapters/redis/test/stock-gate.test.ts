import { createHash } from 'node:crypto';
import { LimitedCartError } from '@limitedcart/core';
import { assertStockInvariant, reserveRequest, uniqueId } from '@limitedcart/core/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStockGate, type RedisStockGate } from '../src/index.js';
import { reserveLua } from '../src/lua/stock-gate.js';
import { connect, deleteKeysUnder, keysUnder, redisUrl, uniquePrefix } from './redis-env.js';

/** The hash tag Redis Cluster hashes: the text between the first `{` and the next `}`, if non-empty. */
const hashTag = (key: string): string => {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
};


describe.skipIf(redisUrl === undefined)('Redis stock gate (adapter specifics)', () => {
  let redis: Redis;
  let gate: RedisStockGate;
  const keyPrefix = uniquePrefix('gate');

  beforeAll(() => {
    redis = connect();
    gate = createRedisStockGate({ redis, keyPrefix, expireBatchSize: 3 });
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, keyPrefix);
    await redis.quit();
  });

  it('1,000 concurrent reservations on 100 units hold exactly 100', async () => {
    const sku = uniqueId('hot');
    await gate.restock(sku, 100, uniqueId('op'));
    const results = await Promise.all(Array.from({ length: 1000 }, () => gate.reserve(reserveRequest(sku))));
    expect(results.filter((result) => result.ok)).toHaveLength(100);
    expect(results.filter((result) => !result.ok && result.reason === 'SOLD_OUT')).toHaveLength(900);
    const snapshot = await gate.snapshot(sku);
    assertStockInvariant(snapshot);
    expect(snapshot).toEqual({ sku, available: 0, held: 100, sold: 0, restockedTotal: 100 });
    expect((await gate.holds(sku)).filter((hold) => hold.state === 'HELD')).toHaveLength(100);
  }, 60_000);

  it('keeps every key of a SKU under one hash tag, with the SKU encoded', async () => {
    const sku = `odd{sku}:${uniqueId('x')}`;
    const held = reserveRequest(sku, { limitPerCustomer: 5 });
    await gate.restock(sku, 3, uniqueId('op'));
    await gate.reserve(held);
    const skuKeys = (await keysUnder(redis, keyPrefix)).filter((key) => key.startsWith('{'));
    const mine = skuKeys.filter((key) => hashTag(key) === `${keyPrefix}:${encodeURIComponent(sku)}`);
    expect(mine.map((key) => key.slice(key.indexOf('}') + 2)).sort()).toEqual(['customers', 'expiry', 'holds', 'restocks', 'stock']);
    expect(await redis.get(`${keyPrefix}:order-sku:${held.orderId}`)).toBe(sku);
    expect(await redis.sismember(`${keyPrefix}:skus`, sku)).toBe(1);
  });

  it('recovers from SCRIPT FLUSH by resending the script (NOSCRIPT)', async () => {
    const sku = uniqueId('flush');
    await gate.restock(sku, 5, uniqueId('op'));
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: true });
    const reserveSha = createHash('sha1').update(reserveLua).digest('hex');
    expect(await redis.script('EXISTS', reserveSha)).toEqual([1]);
    await redis.script('FLUSH');
    expect(await redis.script('EXISTS', reserveSha)).toEqual([0]);
    const again = reserveRequest(sku, { qty: 2 });
    expect(await gate.reserve(again)).toEqual({ ok: true });
    expect(await gate.commit(again.orderId)).toEqual({ ok: true, changed: true });
    expect(await gate.snapshot(sku)).toEqual({ sku, available: 2, held: 1, sold: 2, restockedTotal: 5 });
  });

  it('rejects an order id reused for another SKU and undoes the second hold', async () => {
    const [first, second] = [uniqueId('a'), uniqueId('b')];
    await gate.restock(first, 5, uniqueId('op'));
    await gate.restock(second, 5, uniqueId('op'));
    const req = reserveRequest(first);
    expect(await gate.reserve(req)).toEqual({ ok: true });
    const error = await gate.reserve({ ...req, sku: second }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(LimitedCartError);
    expect((error as LimitedCartError).code).toBe('CONFLICT');
    expect(await gate.snapshot(second)).toEqual({ sku: second, available: 5, held: 0, sold: 0, restockedTotal: 5 });
    expect(await gate.holdState(req.orderId)).toBe('HELD');
  });

  it('treats restock op ids as global: replaying one on another SKU changes nothing', async () => {
    const [first, second] = [uniqueId('a'), uniqueId('b')];
    const opId = uniqueId('op');
    expect((await gate.restock(first, 4, opId)).applied).toBe(true);
    const replay = await gate.restock(second, 4, opId);
    expect(replay).toEqual({ applied: false, snapshot: { sku: second, available: 0, held: 0, sold: 0, restockedTotal: 0 } });
    expect(await gate.snapshot(second)).toBeNull();
  });

  it('expire sweeps in batches until nothing is due', async () => {
    const sku = uniqueId('expiry');
    await gate.restock(sku, 20, uniqueId('op'));
    const past = new Date(Date.now() - 1000);
    const due = Array.from({ length: 10 }, () => reserveRequest(sku, { holdUntil: past }));
    for (const req of due) await gate.reserve(req);
    const released = await gate.expire();
    expect(released).toEqual(expect.arrayContaining(due.map((req) => req.orderId)));
    expect(await gate.snapshot(sku)).toEqual({ sku, available: 20, held: 0, sold: 0, restockedTotal: 20 });
  });

  it('rebuild replaces a SKU with given state, holds and customer counts included', async () => {
    const sku = uniqueId('rebuild');
    await gate.restock(sku, 50, uniqueId('op'));
    await gate.reserve(reserveRequest(sku, { qty: 7 }));
    const customerId = uniqueId('customer');
    // Already lapsed by Redis's clock, so the sweep below finds it.
    const holdUntil = new Date(Date.now() - 1_000);
    const opId = uniqueId('op');
    await gate.rebuild(sku, {
      snapshot: { sku, available: 6, held: 2, sold: 2, restockedTotal: 10 },
      holds: [
        { orderId: uniqueId('held'), customerId, qty: 2, state: 'HELD', holdUntil },
        { orderId: uniqueId('sold'), customerId, qty: 2, state: 'COMMITTED', holdUntil },
      ],
      restockOpIds: [opId],
    });
    expect(await gate.snapshot(sku)).toEqual({ sku, available: 6, held: 2, sold: 2, restockedTotal: 10 });
    expect(await gate.holds(sku)).toHaveLength(2);
    // The customer's 4 units (held + sold) count against a limit of 4; the replayed op adds nothing.
    expect(await gate.reserve(reserveRequest(sku, { customerId, limitPerCustomer: 4 }))).toEqual({ ok: false, reason: 'LIMIT_EXCEEDED' });
    expect((await gate.restock(sku, 10, opId)).applied).toBe(false);
    expect(await gate.expire()).toHaveLength(1);
  });

  it('refuses to rebuild from counters that break the invariant', async () => {
    const sku = uniqueId('bad-rebuild');
    await gate.restock(sku, 5, uniqueId('op'));
    const error = await gate
      .rebuild(sku, { snapshot: { sku, available: 5, held: 1, sold: 0, restockedTotal: 5 }, holds: [] })
      .catch((thrown: unknown) => thrown);
    expect((error as LimitedCartError).code).toBe('VALIDATION');
    expect(await gate.snapshot(sku)).toEqual({ sku, available: 5, held: 0, sold: 0, restockedTotal: 5 });
  });

  it('an adapter-owned client connects lazily and closes', async () => {
    const owned = createRedisStockGate({ url: redisUrl ?? '', keyPrefix: uniquePrefix('owned') });
    expect(await owned.snapshot(uniqueId('none'))).toBeNull();
    expect(await owned.health()).toEqual({ name: 'redis-stock-gate', ok: true });
    await owned.close();
  });

  it('rejects a prefix that would break the hash tags', () => {
    expect(() => createRedisStockGate({ redis, keyPrefix: 'a{b}' })).toThrow(LimitedCartError);
  });
});
