import { createPostgresStockGate } from '@limitedcart/adapter-postgres';
import { LimitedCartError, type StockGate } from '@limitedcart/core';
import { createSilentLogger } from '@limitedcart/core/memory';
import { describeStockGateContract, reserveRequest, uniqueId } from '@limitedcart/core/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStockGate, createTieredStockGate, type DriftSignal, type RedisStockGate } from '../src/index.js';
import { createLedgerDatabase, databaseUrl, type LedgerDatabase } from './postgres-env.js';
import { connect, deleteKeysUnder, redisUrl, uniquePrefix } from './redis-env.js';

const servicesUp = redisUrl !== undefined && databaseUrl !== undefined;

if (servicesUp) {
  describeStockGateContract('tiered (Redis admits, Postgres confirms)', async () => {
    const redis = connect();
    const keyPrefix = uniquePrefix('tiered-kit');
    const database = await createLedgerDatabase('tiered_kit');
    const gate = createTieredStockGate({
      admit: createRedisStockGate({ redis, keyPrefix }),
      ledger: createPostgresStockGate({ pool: database.pool, schema: database.schema }),
      logger: createSilentLogger(),
    });
    return {
      gate,
      close: async () => {
        await deleteKeysUnder(redis, keyPrefix);
        await redis.quit();
        await database.drop();
      },
    };
  });
}

describe.skipIf(!servicesUp)('tiered stock gate', () => {
  let redis: Redis;
  let database: LedgerDatabase;
  let admit: RedisStockGate;
  let ledger: StockGate;
  const keyPrefix = uniquePrefix('tiered');
  const drift: DriftSignal[] = [];

  /** The tiered gate over a ledger whose reserve calls are counted or replaced. */
  const tieredOver = (reserve: StockGate['reserve']) =>
    createTieredStockGate({ admit, ledger: { ...ledger, reserve }, logger: createSilentLogger(), onDrift: (signal) => drift.push(signal) });

  beforeAll(async () => {
    redis = connect();
    database = await createLedgerDatabase('tiered');
    admit = createRedisStockGate({ redis, keyPrefix });
    ledger = createPostgresStockGate({ pool: database.pool, schema: database.schema });
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, keyPrefix);
    await redis.quit();
    await database.drop();
  });

  it('rejects sold-out attempts in Redis: only admitted ones reach the ledger', async () => {
    let ledgerReserves = 0;
    const gate = tieredOver((req) => {
      ledgerReserves += 1;
      return ledger.reserve(req);
    });
    const sku = uniqueId('drop');
    await gate.restock(sku, 10, uniqueId('op'));
    const results = await Promise.all(Array.from({ length: 300 }, () => gate.reserve(reserveRequest(sku))));
    expect(results.filter((result) => result.ok)).toHaveLength(10);
    expect(ledgerReserves).toBe(10);
    expect(await ledger.snapshot(sku)).toEqual({ sku, available: 0, held: 10, sold: 0, restockedTotal: 10 });
    expect(await admit.snapshot(sku)).toEqual({ sku, available: 0, held: 10, sold: 0, restockedTotal: 10 });
  });

  it('releases the Redis hold when the ledger rejects, and signals drift', async () => {
    const gate = tieredOver(ledger.reserve);
    const sku = uniqueId('drifted');
    await gate.restock(sku, 2, uniqueId('op'));
    // Someone sold the ledger's units without the admit tier knowing.
    await ledger.reserve(reserveRequest(sku, { qty: 2 }));
    drift.length = 0;
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(await admit.snapshot(sku)).toEqual({ sku, available: 2, held: 0, sold: 0, restockedTotal: 2 });
    expect(drift).toEqual([expect.objectContaining({ sku, reason: 'admit tier admitted, ledger answered SOLD_OUT' })]);
  });

  it('releases the Redis hold and rethrows when the ledger fails', async () => {
    const failure = new LimitedCartError('INFRASTRUCTURE', 'ledger unreachable');
    const gate = tieredOver(async () => {
      throw failure;
    });
    const sku = uniqueId('failing');
    await gate.restock(sku, 3, uniqueId('op'));
    const req = reserveRequest(sku);
    await expect(gate.reserve(req)).rejects.toBe(failure);
    expect(await admit.snapshot(sku)).toEqual({ sku, available: 3, held: 0, sold: 0, restockedTotal: 3 });
    expect(await admit.holdState(req.orderId)).toBe('RELEASED');
  });

  it('lets the ledger decide alone when Redis does not know the SKU', async () => {
    const gate = tieredOver(ledger.reserve);
    const sku = uniqueId('ledger-only');
    await ledger.restock(sku, 1, uniqueId('op'));
    drift.length = 0;
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: true });
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(drift.map((signal) => signal.sku)).toEqual([sku, sku]);
    expect(await gate.reserve(reserveRequest(uniqueId('never-stocked')))).toEqual({ ok: false, reason: 'NOT_ON_SALE' });
    expect(drift).toHaveLength(2);
  });

  it('mirrors commit, release, expire and restock onto Redis', async () => {
    const gate = tieredOver(ledger.reserve);
    const sku = uniqueId('mirror');
    await gate.restock(sku, 10, uniqueId('op'));
    const [toCommit, toRelease] = [reserveRequest(sku, { qty: 2 }), reserveRequest(sku, { qty: 3 })];
    const toExpire = reserveRequest(sku, { holdUntil: new Date(Date.now() - 1000) });
    for (const req of [toCommit, toRelease, toExpire]) expect(await gate.reserve(req)).toEqual({ ok: true });
    expect(await gate.commit(toCommit.orderId)).toEqual({ ok: true, changed: true });
    expect(await gate.release(toRelease.orderId)).toEqual({ ok: true, changed: true });
    expect(await gate.expire()).toContain(toExpire.orderId);
    await gate.restock(sku, 5, uniqueId('op'));
    const expected = { sku, available: 13, held: 0, sold: 2, restockedTotal: 15 };
    expect(await ledger.snapshot(sku)).toEqual(expected);
    expect(await admit.snapshot(sku)).toEqual(expected);
    for (const [req, state] of [
      [toCommit, 'COMMITTED'],
      [toRelease, 'RELEASED'],
      [toExpire, 'RELEASED'],
    ] as const) {
      expect(await admit.holdState(req.orderId)).toBe(state);
      expect(await gate.holdState(req.orderId)).toBe(state);
    }
  });
});
