import { isLimitedCartError, type StockSnapshot } from '@limitedcart/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStockGate, type PostgresStockGate } from '../src/index.js';
import { createTestDatabase, DATABASE_URL, hasDatabase, recordingQueries, type TestDatabase } from './support.js';

const HOUR = 3_600_000;
const inAnHour = () => new Date(Date.now() + HOUR);
let seq = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

const expectInvariant = (snapshot: StockSnapshot | null) => {
  expect(snapshot).not.toBeNull();
  const s = snapshot as StockSnapshot;
  expect(s.available + s.held + s.sold).toBe(s.restockedTotal);
  expect(s.available).toBeGreaterThanOrEqual(0);
};

describe.skipIf(!hasDatabase)('Postgres stock gate (adapter-specific)', () => {
  let db: TestDatabase;
  let gate: PostgresStockGate;

  beforeAll(async () => {
    db = await createTestDatabase({ max: 20 });
    gate = createPostgresStockGate({ pool: db.pool, schema: db.schema });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('1,000 concurrent reservations of 1 unit on 100 units, in batches over 20 connections, hold exactly 100', async () => {
    const sku = unique('hot');
    await gate.restock(sku, 100, unique('op'));
    const results = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        gate.reserve({ sku, qty: 1, orderId: unique('o'), customerId: `c-${i}`, limitPerCustomer: 1, holdUntil: inAnHour() }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect(results.filter((r) => !r.ok && r.reason === 'SOLD_OUT')).toHaveLength(900);
    const snapshot = await gate.snapshot(sku);
    expect(snapshot).toEqual({ sku, available: 0, held: 100, sold: 0, restockedTotal: 100 });
    expectInvariant(snapshot);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n, sum(qty)::int AS units FROM "${db.schema}".stock_holds WHERE sku = $1 AND state = 'HELD'`,
      [sku],
    );
    expect(rows[0]).toEqual({ n: 100, units: 100 });
  });

  it('reservations that arrive together are decided by one statement, each with its own outcome, in request order', async () => {
    const { pool: counting, statements } = recordingQueries(new pg.Pool({ connectionString: DATABASE_URL, max: 4 }));
    try {
      const batched = createPostgresStockGate({ pool: counting, schema: db.schema });
      const [a, b] = [unique('batch-a'), unique('batch-b')];
      await batched.restock(a, 2, unique('op'));
      await batched.restock(b, 1, unique('op'));
      statements.length = 0;
      const repeated = unique('o');
      const request = (sku: string, customerId: string, orderId = unique('o')) =>
        batched.reserve({ sku, qty: 1, orderId, customerId, limitPerCustomer: 1, holdUntil: inAnHour() });
      const results = await Promise.all([
        request(b, 'x'), // b's only unit
        request(a, 'x'), // a: first unit
        request(a, 'x'), // same customer again: over the limit of 1
        request(b, 'y'), // b is gone
        request(a, 'y', repeated), // a: second unit
        request(a, 'y', repeated), // the same order again: idempotent
        request(a, 'z'), // a is gone
        request(unique('never-stocked'), 'z'),
      ]);
      expect(results).toEqual([
        { ok: true },
        { ok: true },
        { ok: false, reason: 'LIMIT_EXCEEDED' },
        { ok: false, reason: 'SOLD_OUT' },
        { ok: true },
        { ok: true },
        { ok: false, reason: 'SOLD_OUT' },
        { ok: false, reason: 'NOT_ON_SALE' },
      ]);
      expect(statements.filter((text) => text.includes('gate_reserve_many'))).toHaveLength(1);
      expect(await batched.snapshot(a)).toEqual({ sku: a, available: 0, held: 2, sold: 0, restockedTotal: 2 });
      expect(await batched.snapshot(b)).toEqual({ sku: b, available: 0, held: 1, sold: 0, restockedTotal: 1 });
    } finally {
      await counting.end();
    }
  });

  it('hold states asked for together are read by one statement; an order without a hold reads as null', async () => {
    const { pool: counting, statements } = recordingQueries(new pg.Pool({ connectionString: DATABASE_URL, max: 4 }));
    try {
      const batched = createPostgresStockGate({ pool: counting, schema: db.schema });
      const sku = unique('states');
      await batched.restock(sku, 3, unique('op'));
      const [held, committed, released] = [unique('o'), unique('o'), unique('o')];
      for (const [index, orderId] of [held, committed, released].entries()) {
        expect(await batched.reserve({ sku, qty: 1, orderId, customerId: `c-${index}`, limitPerCustomer: 1, holdUntil: inAnHour() })).toEqual({ ok: true });
      }
      await batched.commit(committed);
      await batched.release(released);
      statements.length = 0;
      const states = await Promise.all([held, committed, released, held, unique('no-hold')].map((orderId) => batched.holdState(orderId)));
      expect(states).toEqual(['HELD', 'COMMITTED', 'RELEASED', 'HELD', null]);
      expect(statements.filter((text) => text.includes('stock_holds'))).toHaveLength(1);
    } finally {
      await counting.end();
    }
  });

  it('two gates on their own pools (two processes) batching the same customers on two SKUs stay exact and never deadlock', async () => {
    const other = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
    try {
      // Small batches on both sides: many groups in flight at once, each locking several customers and both SKUs.
      const left = createPostgresStockGate({ pool: db.pool, schema: db.schema, reserveBatchSize: 7 });
      const right = createPostgresStockGate({ pool: other, schema: db.schema, reserveBatchSize: 5 });
      const skus = [unique('pair-1'), unique('pair-2')];
      for (const sku of skus) await left.restock(sku, 150, unique('op'));
      // 200 customers each try both SKUs twice, from both gates, in opposite SKU orders: limit 1 per SKU.
      const attempts = Array.from({ length: 200 }, (_, c) =>
        [left, right].flatMap((g, side) =>
          (side === 0 ? skus : [...skus].reverse()).map((sku) =>
            g.reserve({ sku, qty: 1, orderId: unique('o'), customerId: `pair-${c}`, limitPerCustomer: 1, holdUntil: inAnHour() }),
          ),
        ),
      ).flat();
      const results = await Promise.all(attempts);
      expect(results.filter((r) => r.ok)).toHaveLength(300);
      for (const sku of skus) {
        const snapshot = await left.snapshot(sku);
        expect(snapshot).toEqual({ sku, available: 0, held: 150, sold: 0, restockedTotal: 150 });
        const { rows } = await db.pool.query(
          `SELECT count(DISTINCT customer_id)::int AS customers, count(*)::int AS holds FROM "${db.schema}".stock_holds WHERE sku = $1`,
          [sku],
        );
        expect(rows[0]).toEqual({ customers: 150, holds: 150 });
      }
    } finally {
      await other.end();
    }
  });

  it('with reserveBatchSize 1 every reservation is its own statement and stays exact', async () => {
    const single = createPostgresStockGate({ pool: db.pool, schema: db.schema, reserveBatchSize: 1 });
    const sku = unique('one-by-one');
    await single.restock(sku, 50, unique('op'));
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        single.reserve({ sku, qty: 1, orderId: unique('o'), customerId: `c-${i % 120}`, limitPerCustomer: 1, holdUntil: inAnHour() }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    expectInvariant(await single.snapshot(sku));
  });

  it('non-durable reservations keep the invariant and do not leak synchronous_commit into the session', async () => {
    const single = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    try {
      const fast = createPostgresStockGate({ pool: single, schema: db.schema, durableReservations: false });
      const sku = unique('fast');
      await fast.restock(sku, 5, unique('op'));
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          fast.reserve({ sku, qty: 1, orderId: unique('o'), customerId: `c-${i}`, limitPerCustomer: 0, holdUntil: inAnHour() }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(5);
      expect(await fast.snapshot(sku)).toEqual({ sku, available: 0, held: 5, sold: 0, restockedTotal: 5 });
      const { rows } = await single.query('SHOW synchronous_commit');
      expect(rows[0].synchronous_commit).toBe('on');
    } finally {
      await single.end();
    }
  });

  it('20 parallel reservations by one customer never exceed the per-customer limit', async () => {
    const sku = unique('limited');
    await gate.restock(sku, 1_000, unique('op'));
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        gate.reserve({ sku, qty: 1, orderId: unique('o'), customerId: 'greedy', limitPerCustomer: 3, holdUntil: inAnHour() }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => !r.ok && r.reason === 'LIMIT_EXCEEDED')).toHaveLength(17);
    expect(await gate.snapshot(sku)).toMatchObject({ available: 997, held: 3 });
  });

  it('concurrent duplicates of one order hold once', async () => {
    const sku = unique('dup');
    await gate.restock(sku, 50, unique('op'));
    const orderId = unique('o');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        gate.reserve({ sku, qty: 2, orderId, customerId: 'c', limitPerCustomer: 0, holdUntil: inAnHour() }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await gate.snapshot(sku)).toMatchObject({ available: 48, held: 2 });
    expect(await gate.holdState(orderId)).toBe('HELD');
  });

  it('a hot row held by a stalled transaction surfaces as a retryable TIMEOUT', async () => {
    const sku = unique('stalled');
    await gate.restock(sku, 10, unique('op'));
    const impatient = createPostgresStockGate({ pool: db.pool, schema: db.schema, lockTimeoutMs: 100 });
    const staller = await db.pool.connect();
    try {
      await staller.query('BEGIN');
      await staller.query(`SELECT * FROM "${db.schema}".stock WHERE sku = $1 FOR UPDATE`, [sku]);
      const error = await impatient
        .reserve({ sku, qty: 1, orderId: unique('o'), customerId: 'c', limitPerCustomer: 0, holdUntil: inAnHour() })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(isLimitedCartError(error, 'TIMEOUT')).toBe(true);
    } finally {
      await staller.query('ROLLBACK');
      staller.release();
    }
    // Nothing was half-written by the timed-out attempt.
    expect(await gate.snapshot(sku)).toEqual({ sku, available: 10, held: 0, sold: 0, restockedTotal: 10 });
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${db.schema}".stock_holds WHERE sku = $1`, [sku]);
    expect(rows[0].n).toBe(0);
  });

  it('rejects bad input with VALIDATION before touching the ledger', async () => {
    const sku = unique('valid');
    await gate.restock(sku, 5, unique('op'));
    const base = { sku, qty: 1, orderId: unique('o'), customerId: 'c', limitPerCustomer: 0, holdUntil: inAnHour() };
    const bad = [
      { ...base, qty: -1 },
      { ...base, qty: 0 },
      { ...base, qty: 1.5 },
      { ...base, qty: Number.NaN },
      { ...base, sku: '' },
      { ...base, orderId: '' },
      { ...base, orderId: 'bad\u0000id' },
      { ...base, orderId: 'x'.repeat(201) },
      { ...base, customerId: '  ' },
      { ...base, limitPerCustomer: -1 },
      { ...base, holdUntil: new Date(Number.NaN) },
    ];
    for (const request of bad) {
      await expect(gate.reserve(request)).rejects.toSatisfy((e: unknown) => isLimitedCartError(e, 'VALIDATION'));
    }
    await expect(gate.restock(sku, -5, unique('op'))).rejects.toSatisfy((e: unknown) => isLimitedCartError(e, 'VALIDATION'));
    await expect(gate.restock(sku, 2 ** 31, unique('op'))).rejects.toSatisfy((e: unknown) => isLimitedCartError(e, 'VALIDATION'));
    await expect(gate.commit('')).rejects.toSatisfy((e: unknown) => isLimitedCartError(e, 'VALIDATION'));
    expect(await gate.snapshot(sku)).toEqual({ sku, available: 5, held: 0, sold: 0, restockedTotal: 5 });
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${db.schema}".stock_holds WHERE sku = $1`, [sku]);
    expect(rows[0].n).toBe(0);
  });

  it('a rejected reservation leaves no hold and no customer count behind', async () => {
    const sku = unique('reject');
    await gate.restock(sku, 1, unique('op'));
    const orderId = unique('o');
    const result = await gate.reserve({ sku, qty: 2, orderId, customerId: 'c', limitPerCustomer: 0, holdUntil: inAnHour() });
    expect(result).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(await gate.holdState(orderId)).toBeNull();
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM "${db.schema}".customer_sku_counts WHERE sku = $1`,
      [sku],
    );
    // Not even a zero counter: a sold-out attempt is one read.
    expect(rows[0].n).toBe(0);
  });

  it('on a sold-out SKU a customer at their limit still hears LIMIT_EXCEEDED, others SOLD_OUT', async () => {
    const sku = unique('limit-sold-out');
    await gate.restock(sku, 1, unique('op'));
    const holdUntil = inAnHour();
    expect(await gate.reserve({ sku, qty: 1, orderId: unique('o'), customerId: 'holder', limitPerCustomer: 1, holdUntil })).toEqual({ ok: true });
    expect(await gate.reserve({ sku, qty: 1, orderId: unique('o'), customerId: 'holder', limitPerCustomer: 1, holdUntil })).toEqual({
      ok: false,
      reason: 'LIMIT_EXCEEDED',
    });
    expect(await gate.reserve({ sku, qty: 1, orderId: unique('o'), customerId: 'newcomer', limitPerCustomer: 1, holdUntil })).toEqual({
      ok: false,
      reason: 'SOLD_OUT',
    });
    expectInvariant(await gate.snapshot(sku));
  });

  it('expire releases by the database clock and never a committed hold', async () => {
    const sku = unique('expiry');
    await gate.restock(sku, 10, unique('op'));
    const lapsed = unique('o');
    const paid = unique('o');
    const live = unique('o');
    const past = new Date(Date.now() - 60_000);
    await gate.reserve({ sku, qty: 1, orderId: lapsed, customerId: 'a', limitPerCustomer: 0, holdUntil: past });
    await gate.reserve({ sku, qty: 1, orderId: paid, customerId: 'b', limitPerCustomer: 0, holdUntil: past });
    await gate.reserve({ sku, qty: 1, orderId: live, customerId: 'c', limitPerCustomer: 0, holdUntil: inAnHour() });
    expect(await gate.commit(paid)).toEqual({ ok: true, changed: true });
    const released = await gate.expire();
    expect(released).toContain(lapsed);
    expect(released).not.toContain(paid);
    expect(released).not.toContain(live);
    expect(await gate.holdState(lapsed)).toBe('RELEASED');
    expect(await gate.holdState(live)).toBe('HELD');
    const snapshot = await gate.snapshot(sku);
    expect(snapshot).toEqual({ sku, available: 8, held: 1, sold: 1, restockedTotal: 10 });
  });

  it('a replayed restock op id changes nothing, even with other arguments', async () => {
    const sku = unique('restock');
    const op = unique('op');
    expect((await gate.restock(sku, 7, op)).applied).toBe(true);
    const again = await gate.restock(sku, 7, op);
    expect(again).toEqual({ applied: false, snapshot: { sku, available: 7, held: 0, sold: 0, restockedTotal: 7 } });
    expect((await gate.restock(sku, 8, op)).applied).toBe(false);
    const elsewhere = await gate.restock(`${sku}-other`, 8, op);
    expect(elsewhere).toEqual({ applied: false, snapshot: { sku: `${sku}-other`, available: 0, held: 0, sold: 0, restockedTotal: 0 } });
    expect(await gate.snapshot(sku)).toEqual({ sku, available: 7, held: 0, sold: 0, restockedTotal: 7 });
  });
});
