import { createEngine, money } from '@limitedcart/core';
import { createSilentLogger } from '@limitedcart/core/memory';
import { postgres } from '@limitedcart/adapter-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redis } from '../src/index.js';
import { createLedgerDatabase, databaseUrl, type LedgerDatabase } from './postgres-env.js';
import { connect, deleteKeysUnder, keysUnder, redisUrl, uniquePrefix } from './redis-env.js';

describe.skipIf(redisUrl === undefined || databaseUrl === undefined)('redis() plugin', () => {
  let ledger: LedgerDatabase;
  const keyPrefix = uniquePrefix('plugin');
  beforeAll(async () => {
    ledger = await createLedgerDatabase('plugin');
  });
  afterAll(async () => {
    const client = connect();
    await deleteKeysUnder(client, keyPrefix);
    await client.quit();
    await ledger.drop();
  });

  it('puts Redis in front of the ledger registered before it, with its reconciler, and quits its client on stop', async () => {
    const engine = createEngine({
      plugins: [postgres({ pool: ledger.pool, schema: ledger.schema }), redis({ url: redisUrl!, keyPrefix })],
      adapters: { logger: createSilentLogger() },
    });
    await engine.start();
    const product = await engine.useCases.createProduct({ name: 'Tiered', price: money(100), maxQuantityPerCustomer: 1 });
    await engine.useCases.restock({ productId: product.id, quantity: 1, opId: 'tiered' });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => engine.useCases.placeOrder({ customerId: `c${i}`, productId: product.id, quantity: 1 })),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    const client = connect();
    expect((await keysUnder(client, keyPrefix)).length).toBeGreaterThan(0);
    await client.quit();
    expect(await engine.useCases.reconcileStock({ repair: false })).toMatchObject({ mode: 'tiered', inSync: true });
    await engine.ports.admissionQueue.configure(product.id, { opensAt: new Date(0), mode: 'fifo' });
    expect(await engine.ports.admissionQueue.join(product.id, 'c0'), 'the waiting room').toMatchObject({ ok: true, joined: true });
    const queueClient = connect();
    expect(
      await queueClient.exists(`{${keyPrefix}:${product.id}}:queue:waiting`),
      "the waiting room is in Redis, under the gate's prefix and the product's hash tag",
    ).toBe(1);
    await queueClient.quit();
    expect((await engine.health()).checks).toContainEqual({ name: 'redis', ok: true });
    await engine.stop();
    expect((await engine.health()).ok).toBe(false);
  });

  it('refuses to be listed before the ledger it wraps', () => {
    expect(() =>
      createEngine({ plugins: [redis({ url: redisUrl!, keyPrefix }), postgres({ pool: ledger.pool, schema: ledger.schema })] }),
    ).toThrow('list redis after postgres');
    expect(() => createEngine({ plugins: [redis({ url: redisUrl!, keyPrefix })] })).toThrow(/needs a ledger it can read/);
  });
});
