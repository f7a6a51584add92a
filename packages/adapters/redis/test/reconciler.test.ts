import { createPostgresStockGate } from '@limitedcart/adapter-postgres';
import type { ReserveRequest, StockGate } from '@limitedcart/core';
import { createSilentLogger } from '@limitedcart/core/memory';
import { assertStockInvariant, reserveRequest, uniqueId, waitFor } from '@limitedcart/core/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRedisStockGate,
  createStockReconciler,
  createTieredStockGate,
  type DriftSignal,
  type RedisStockGate,
  type StockReconciler,
  type TieredStockGate,
} from '../src/index.js';
import { createLedgerDatabase, databaseUrl, type LedgerDatabase } from './postgres-env.js';
import { connect, deleteKeysUnder, redisUrl, uniquePrefix } from './redis-env.js';
import { createPostgresLedgerReader } from '@limitedcart/adapter-postgres';

const DAY_MS = 86_400_000;

describe.skipIf(redisUrl === undefined || databaseUrl === undefined)('stock reconciler (Redis lost its data)', () => {
  let redis: Redis;
  let database: LedgerDatabase;
  let admit: RedisStockGate;
  let ledger: StockGate;
  let gate: TieredStockGate;
  let reconciler: StockReconciler;
  const keyPrefix = uniquePrefix('reconcile');
  const drift: DriftSignal[] = [];

  beforeAll(async () => {
    redis = connect();
    database = await createLedgerDatabase('reconcile');
    admit = createRedisStockGate({ redis, keyPrefix });
    ledger = createPostgresStockGate({ pool: database.pool, schema: database.schema });
    gate = createTieredStockGate({ admit, ledger, logger: createSilentLogger(), onDrift: (signal) => drift.push(signal) });
    reconciler = createStockReconciler({ admit, ledger: createPostgresLedgerReader({ pool: database.pool, schema: database.schema }) });
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, keyPrefix);
    await redis.quit();
    await database.drop();
  });

  it('reports the loss, rebuilds counters, holds, limits and restock ops, and the tiers agree again', async () => {
    const sku = uniqueId('sku');
    const opId = uniqueId('op');
    const customerId = uniqueId('customer');
    await gate.restock(sku, 10, opId);
    const held = reserveRequest(sku, { customerId, limitPerCustomer: 3, qty: 2 });
    const sold = reserveRequest(sku, { customerId, limitPerCustomer: 3, qty: 1 });
    const released = reserveRequest(sku, { qty: 4 });
    for (const req of [held, sold, released]) expect(await gate.reserve(req)).toEqual({ ok: true });
    await gate.commit(sold.orderId);
    await gate.release(released.orderId);
    expect((await reconciler.report([sku]))[0]).toMatchObject({ sku, inSync: true, holdMismatches: [] });

    expect(await deleteKeysUnder(redis, keyPrefix)).toBeGreaterThan(0);
    const [lost] = await reconciler.report([sku]);
    expect(lost).toMatchObject({ sku, inSync: false, admit: null, delta: { available: -7, held: -2, sold: -1, restockedTotal: -10 } });
    expect(lost?.holdMismatches).toEqual(
      expect.arrayContaining([
        { orderId: held.orderId, ledger: 'HELD', admit: null },
        { orderId: sold.orderId, ledger: 'COMMITTED', admit: null },
      ]),
    );
    expect((await reconciler.report()).map((entry) => entry.sku)).toContain(sku);

    // While Redis is empty the ledger alone decides, so the shop keeps selling.
    const during = reserveRequest(sku);
    expect(await gate.reserve(during)).toEqual({ ok: true });
    expect(drift.some((signal) => signal.sku === sku)).toBe(true);

    expect((await reconciler.repair([sku])).map((entry) => entry.sku)).toEqual([sku]);
    expect((await reconciler.report([sku]))[0]).toMatchObject({ inSync: true, holdMismatches: [] });
    expect(await reconciler.repair([sku])).toEqual([]);

    // The rebuilt tier itself enforces the customer's limit (2 held + 1 sold of 3): no ledger disagreement is
    // signalled. It also knows the holds and the op ids.
    drift.length = 0;
    expect(await gate.reserve(reserveRequest(sku, { customerId, limitPerCustomer: 3 }))).toEqual({ ok: false, reason: 'LIMIT_EXCEEDED' });
    expect(drift).toEqual([]);
    expect(await gate.commit(held.orderId)).toEqual({ ok: true, changed: true });
    expect(await admit.holdState(held.orderId)).toBe('COMMITTED');
    expect((await admit.restock(sku, 10, opId)).applied).toBe(false);
    expect(await admit.snapshot(sku)).toEqual(await ledger.snapshot(sku));
  });

  it('repairs itself when the tiered gate signals that Redis lost a SKU', async () => {
    const selfHealing = createStockReconciler({
      admit,
      ledger: createPostgresLedgerReader({ pool: database.pool, schema: database.schema }),
      minRepairIntervalMs: 50,
    });
    const healingGate = createTieredStockGate({
      admit,
      ledger,
      logger: createSilentLogger(),
      onDrift: ({ sku }) => {
        if (sku !== undefined) void selfHealing.scheduleRepair(sku);
      },
    });
    const sku = uniqueId('self-heal');
    await healingGate.restock(sku, 5, uniqueId('op'));
    const before = reserveRequest(sku, { qty: 2 });
    await healingGate.reserve(before);
    await deleteKeysUnder(redis, keyPrefix);

    expect(await healingGate.reserve(reserveRequest(sku))).toEqual({ ok: true });
    await waitFor(async () => (await selfHealing.report([sku]))[0]?.inSync, { message: 'Redis rebuilt after the drift signal' });
    expect(await admit.snapshot(sku)).toEqual({ sku, available: 2, held: 3, sold: 0, restockedTotal: 5 });
    expect(await admit.holdState(before.orderId)).toBe('HELD');
    // Signals that arrive together share one repair.
    const [first, second] = [selfHealing.scheduleRepair(sku), selfHealing.scheduleRepair(sku)];
    expect(first).toBe(second);
    await first;
  });

  it('survives a Redis flush in the middle of a drop: no unit oversold, the ledger exact, tiers reconciled', async () => {
    const sku = uniqueId('drop');
    const initial = 200;
    const extra = 50;
    const limit = 2;
    await gate.restock(sku, initial, uniqueId('op'));
    const customers = Array.from({ length: 400 }, () => uniqueId('shopper'));
    const shoppers = Array.from({ length: 1500 }, (_, i) =>
      reserveRequest(sku, {
        customerId: customers[i % customers.length],
        limitPerCustomer: limit,
        qty: 1 + (i % 2),
        holdUntil: new Date(Date.now() + (i % 7 === 0 ? -1000 : DAY_MS)),
      }),
    );
    const accepted: ReserveRequest[] = [];
    const rejected = { SOLD_OUT: 0, LIMIT_EXCEEDED: 0, NOT_ON_SALE: 0 };
    let done = 0;
    let next = 0;
    const shop = async (): Promise<void> => {
      for (let i = next++; i < shoppers.length; i = next++) {
        const req = shoppers[i]!;
        const result = await gate.reserve(req);
        if (result.ok) {
          accepted.push(req);
          // The saga's outcome: most pay, some cancel, the rest hold until the sweep or the end.
          if (i % 4 <= 1) await gate.commit(req.orderId);
          else if (i % 4 === 2) await gate.release(req.orderId);
        } else {
          rejected[result.reason] += 1;
        }
        done += 1;
      }
    };
    let sweeping = true;
    const sweeper = (async () => {
      while (sweeping) {
        await gate.expire();
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const traffic = Promise.all(Array.from({ length: 24 }, shop));

    await waitFor(() => done >= 400, { timeoutMs: 30_000, message: 'a third of the drop' });
    drift.length = 0;
    expect(await deleteKeysUnder(redis, keyPrefix)).toBeGreaterThan(0);
    const doneAtFlush = done;
    // Shoppers keep being answered, by the ledger alone, while Redis is empty.
    await waitFor(() => drift.some((signal) => signal.reason === 'admit tier does not know a SKU the ledger sells'), {
      timeoutMs: 30_000,
      message: 'a reservation decided by the ledger alone',
    });
    // A restock lands while Redis is empty: the admit tier restarts from it alone, far from the ledger's truth.
    await gate.restock(sku, extra, uniqueId('op'));
    await waitFor(() => done >= doneAtFlush + 300, { timeoutMs: 30_000, message: 'traffic on the drifted tiers' });
    expect((await reconciler.repair([sku])).map((entry) => entry.sku)).toEqual([sku]);
    const doneAtRepair = done;

    await traffic;
    sweeping = false;
    await sweeper;

    const snapshot = await ledger.snapshot(sku);
    assertStockInvariant(snapshot);
    expect(snapshot.restockedTotal).toBe(initial + extra);

    // Every accepted order has a ledger hold, and the ledger's counters equal the per-order truth.
    const byState = { HELD: 0, COMMITTED: 0, RELEASED: 0 };
    const perCustomer = new Map<string, number>();
    for (const req of accepted) {
      const state = await ledger.holdState(req.orderId);
      expect(state, `ledger hold of accepted order ${req.orderId}`).not.toBeNull();
      byState[state!] += req.qty;
      if (state !== 'RELEASED') perCustomer.set(req.customerId, (perCustomer.get(req.customerId) ?? 0) + req.qty);
    }
    expect(snapshot.held).toBe(byState.HELD);
    expect(snapshot.sold).toBe(byState.COMMITTED);
    expect(byState.HELD + byState.COMMITTED).toBeLessThanOrEqual(initial + extra);
    expect(Math.max(...perCustomer.values())).toBeLessThanOrEqual(limit);
    // Demand was many times the stock: the drop sold out and went on after the repair.
    expect(rejected.SOLD_OUT).toBeGreaterThan(0);
    expect(rejected.NOT_ON_SALE).toBe(0);
    expect(done - doneAtRepair).toBeGreaterThan(0);

    // Once traffic stops, one repair brings Redis to the ledger's exact state.
    await reconciler.repair([sku]);
    expect((await reconciler.report([sku]))[0]).toMatchObject({ inSync: true, holdMismatches: [] });
    expect(await admit.snapshot(sku)).toEqual(snapshot);
  }, 60_000);
});
