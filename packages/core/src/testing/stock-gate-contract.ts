import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LimitedCartError } from '../domain/errors.js';
import type { Clock } from '../ports/small-ports.js';
import type { StockGate, StockSnapshot } from '../ports/stock-gate.js';
import { reserveRequest, uniqueId } from './reserve-request.js';

/** Asserts the per-SKU invariant: nothing negative, `restockedTotal = available + held + sold` exactly. */
export function assertStockInvariant(snapshot: StockSnapshot | null): asserts snapshot is StockSnapshot {
  expect(snapshot, 'snapshot of a restocked SKU').not.toBeNull();
  const { available, held, sold, restockedTotal } = snapshot!;
  for (const [field, value] of Object.entries({ available, held, sold, restockedTotal })) {
    expect(Number.isSafeInteger(value) && value >= 0, `${field} = ${value} must be a non-negative integer`).toBe(true);
  }
  expect(available + held + sold, `available + held + sold of ${snapshot!.sku}`).toBe(restockedTotal);
  expect(sold, `sold of ${snapshot!.sku} never exceeds restockedTotal`).toBeLessThanOrEqual(restockedTotal);
}

/** The names of the kit's cases, as keys of `options.skip`. */
export const STOCK_GATE_CASES = [
  'concurrent reservations never oversell',
  'reserving the same order twice holds once',
  'concurrent reservations of one order hold once',
  'per-customer limit holds under parallel requests',
  'per-customer limit counts sold units',
  'released units free the customer limit',
  'limit 0 means unlimited',
  'expire releases due holds only',
  "expire goes by the gate's clock, not the caller's",
  'commit and release are idempotent',
  'a released hold cannot be committed',
  'a committed hold cannot be released',
  'unknown orders report UNKNOWN',
  'restock is idempotent by opId',
  'concurrent restocks with one opId apply once',
  'bad input is rejected with VALIDATION',
  'unknown SKU is NOT_ON_SALE',
  'mixed storm keeps the invariant exact',
  'extendHold gives a live hold one bounded grace',
] as const;

export type StockGateCase = (typeof STOCK_GATE_CASES)[number];

export interface StockGateContractOptions {
  /** Cases to skip, by name, each with the reason printed in the test name. */
  readonly skip?: Partial<Record<StockGateCase, string>>;
  /** Parallel reservations in the oversell case (default 500; stock is a tenth of it). */
  readonly concurrency?: number;
}

export interface StockGateFixture {
  readonly gate: StockGate;
  close(): Promise<void>;
}

/** What the kit hands `make`. */
export interface StockGateKitEnvironment {
  /**
   * The clock to give a gate that takes one (an in-process gate has no server clock of its own): real time, read
   * so that the kit's shifting of the caller's `Date` does not move it.
   */
  readonly clock: Clock;
}

const DAY_MS = 86_400_000;

/** Real time from the monotonic clock: faking `Date` in a case does not touch it. */
const gateClock: Clock = { now: () => new Date(performance.timeOrigin + performance.now()) };

/**
 * The StockGate conformance suite. `make` is called once per file; every case uses its own random SKUs and
 * order ids, so the gate may be shared with other data. Holds use a holdUntil a day ahead unless the case is
 * about expiry, so `expire()` in one case never touches another case's holds.
 */
export function describeStockGateContract(
  name: string,
  make: (environment: StockGateKitEnvironment) => Promise<StockGateFixture>,
  options: StockGateContractOptions = {},
): void {
  const skip: Partial<Record<string, string>> = options.skip ?? {};
  for (const key of Object.keys(skip)) {
    if (!(STOCK_GATE_CASES as readonly string[]).includes(key)) throw new Error(`unknown stock gate case to skip: ${key}`);
  }
  const concurrency = options.concurrency ?? 500;

  describe(`StockGate contract: ${name}`, () => {
    let fixture: StockGateFixture | undefined;
    const gate = (): StockGate => {
      if (fixture === undefined) throw new Error('stock gate fixture was not created');
      return fixture.gate;
    };
    beforeAll(async () => {
      fixture = await make({ clock: gateClock });
    });
    afterAll(async () => {
      await fixture?.close();
    });

    const gateCase = (
      title: StockGateCase,
      body: (context: { skip(note?: string): never }) => Promise<void>,
      timeoutMs = 30_000,
    ): void => {
      const reason = skip[title];
      if (reason !== undefined) it.skip(`${title} (skipped: ${reason})`, body);
      else it(title, body, timeoutMs);
    };

    const farFuture = (): Date => new Date(Date.now() + DAY_MS);
    const stockedSku = async (qty: number): Promise<string> => {
      const sku = uniqueId('sku');
      await gate().restock(sku, qty, uniqueId('op'));
      return sku;
    };
    const snapshot = async (sku: string): Promise<StockSnapshot> => {
      const snap = await gate().snapshot(sku);
      assertStockInvariant(snap);
      return snap;
    };
    const expectCounters = async (sku: string, expected: Omit<StockSnapshot, 'sku'>): Promise<void> => {
      expect(await snapshot(sku), `counters of ${sku}`).toEqual({ sku, ...expected });
    };
    const expectValidation = async (promise: Promise<unknown>): Promise<void> => {
      const error = await promise.then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error, 'expected a VALIDATION error').toBeInstanceOf(LimitedCartError);
      expect((error as LimitedCartError).code, 'bad input is rejected with code VALIDATION').toBe('VALIDATION');
    };

    gateCase('concurrent reservations never oversell', async () => {
      const stock = Math.max(1, Math.floor(concurrency / 10));
      const sku = await stockedSku(stock);
      const results = await Promise.all(Array.from({ length: concurrency }, () => gate().reserve(reserveRequest(sku))));
      expect(
        results.filter((r) => r.ok),
        `${stock} units in stock: exactly ${stock} parallel reservations succeed`,
      ).toHaveLength(stock);
      const rejections = results.filter((r) => !r.ok);
      expect(rejections, 'the other parallel reservations are refused').toHaveLength(concurrency - stock);
      expect(
        rejections.every((r) => !r.ok && r.reason === 'SOLD_OUT'),
        'a refusal for lack of stock has reason SOLD_OUT',
      ).toBe(true);
      await expectCounters(sku, { available: 0, held: stock, sold: 0, restockedTotal: stock });
    }, 60_000);

    gateCase('reserving the same order twice holds once', async () => {
      const sku = await stockedSku(10);
      const req = reserveRequest(sku, { qty: 3 });
      expect(await gate().reserve(req), 'a reservation with stock available succeeds').toEqual({ ok: true });
      expect(
        await gate().reserve(req),
        'reserving the same orderId again succeeds without a second hold',
      ).toEqual({ ok: true });
      await expectCounters(sku, { available: 7, held: 3, sold: 0, restockedTotal: 10 });
      expect(await gate().holdState(req.orderId), "a reserved order's hold is HELD").toBe('HELD');
    });

    gateCase('concurrent reservations of one order hold once', async () => {
      const sku = await stockedSku(10);
      const req = reserveRequest(sku, { qty: 2, limitPerCustomer: 2 });
      const results = await Promise.all(Array.from({ length: 20 }, () => gate().reserve(req)));
      expect(results.every((r) => r.ok), 'parallel reservations of one orderId all succeed (one hold)').toBe(true);
      await expectCounters(sku, { available: 8, held: 2, sold: 0, restockedTotal: 10 });
    });

    gateCase('per-customer limit holds under parallel requests', async () => {
      const sku = await stockedSku(100);
      const customerId = uniqueId('customer');
      const results = await Promise.all(
        Array.from({ length: 20 }, () => gate().reserve(reserveRequest(sku, { customerId, limitPerCustomer: 2 }))),
      );
      expect(
        results.filter((r) => r.ok),
        "limit 2: exactly 2 of the customer's 20 parallel reservations succeed",
      ).toHaveLength(2);
      expect(
        results.filter((r) => !r.ok && r.reason === 'LIMIT_EXCEEDED'),
        "the customer's other reservations are refused with LIMIT_EXCEEDED",
      ).toHaveLength(18);
      await expectCounters(sku, { available: 98, held: 2, sold: 0, restockedTotal: 100 });
      // Another customer is not affected by the first one's limit.
      expect(
        await gate().reserve(reserveRequest(sku, { limitPerCustomer: 2, qty: 2 })),
        "one customer's limit does not restrict another customer",
      ).toEqual({ ok: true });
      // A single request above the limit is rejected whole.
      expect(
        await gate().reserve(reserveRequest(sku, { limitPerCustomer: 2, qty: 3 })),
        'a reservation above the limit is refused whole with LIMIT_EXCEEDED',
      ).toEqual({
        ok: false,
        reason: 'LIMIT_EXCEEDED',
      });
    });

    gateCase('per-customer limit counts sold units', async () => {
      const sku = await stockedSku(10);
      const customerId = uniqueId('customer');
      const first = reserveRequest(sku, { customerId, limitPerCustomer: 2, qty: 2 });
      expect(await gate().reserve(first), 'a reservation up to the limit succeeds').toEqual({ ok: true });
      expect(
        await gate().commit(first.orderId),
        'commit of a HELD hold: ok, changed',
      ).toEqual({ ok: true, changed: true });
      expect(
        await gate().reserve(reserveRequest(sku, { customerId, limitPerCustomer: 2 })),
        'sold units count against the per-customer limit',
      ).toEqual({
        ok: false,
        reason: 'LIMIT_EXCEEDED',
      });
      await expectCounters(sku, { available: 8, held: 0, sold: 2, restockedTotal: 10 });
    });

    gateCase('released units free the customer limit', async () => {
      const sku = await stockedSku(10);
      const customerId = uniqueId('customer');
      const first = reserveRequest(sku, { customerId, limitPerCustomer: 2, qty: 2 });
      expect(await gate().reserve(first), 'a reservation up to the limit succeeds').toEqual({ ok: true });
      expect(
        await gate().reserve(reserveRequest(sku, { customerId, limitPerCustomer: 2 })),
        'held units count against the per-customer limit',
      ).toEqual({
        ok: false,
        reason: 'LIMIT_EXCEEDED',
      });
      expect(
        await gate().release(first.orderId),
        'release of a HELD hold: ok, changed',
      ).toEqual({ ok: true, changed: true });
      expect(
        await gate().reserve(reserveRequest(sku, { customerId, limitPerCustomer: 2, qty: 2 })),
        'released units stop counting against the per-customer limit',
      ).toEqual({ ok: true });
      await expectCounters(sku, { available: 8, held: 2, sold: 0, restockedTotal: 10 });
    });

    gateCase('limit 0 means unlimited', async () => {
      const sku = await stockedSku(30);
      const customerId = uniqueId('customer');
      for (let i = 0; i < 3; i += 1) {
        expect(
          await gate().reserve(reserveRequest(sku, { customerId, limitPerCustomer: 0, qty: 10 })),
          'limitPerCustomer 0 means no per-customer limit',
        ).toEqual({ ok: true });
      }
      expect(
        await gate().reserve(reserveRequest(sku, { customerId, limitPerCustomer: 0 })),
        'without a limit, a reservation beyond the stock is SOLD_OUT',
      ).toEqual({
        ok: false,
        reason: 'SOLD_OUT',
      });
      await expectCounters(sku, { available: 0, held: 30, sold: 0, restockedTotal: 30 });
    });

    gateCase('expire releases due holds only', async () => {
      const sku = await stockedSku(10);
      const now = new Date();
      const customerId = uniqueId('customer');
      const due = [
        reserveRequest(sku, { customerId, limitPerCustomer: 3, qty: 2, holdUntil: new Date(now.getTime() - 60_000) }),
        reserveRequest(sku, { qty: 1, holdUntil: new Date(now.getTime() - 1_000) }),
      ];
      const notDue = reserveRequest(sku, { qty: 3, holdUntil: new Date(now.getTime() + DAY_MS) });
      const committed = reserveRequest(sku, { qty: 1, holdUntil: new Date(now.getTime() - 60_000) });
      for (const req of [...due, notDue, committed])
        expect(await gate().reserve(req), 'a reservation with stock available succeeds').toEqual({ ok: true });
      expect(
        await gate().commit(committed.orderId),
        'commit of a HELD hold: ok, changed',
      ).toEqual({ ok: true, changed: true });

      const released = await gate().expire();
      expect(
        released,
        "expire() releases every HELD hold with holdUntil <= now on the gate's clock",
      ).toEqual(expect.arrayContaining(due.map((r) => r.orderId)));
      expect(released, 'expire() keeps holds with holdUntil > now').not.toContain(notDue.orderId);
      expect(released, 'expire() never releases a committed hold').not.toContain(committed.orderId);
      await expectCounters(sku, { available: 6, held: 3, sold: 1, restockedTotal: 10 });
      for (const req of due)
        expect(await gate().holdState(req.orderId), 'a hold released by expire is RELEASED').toBe('RELEASED');
      expect(await gate().holdState(notDue.orderId), 'a hold not yet due stays HELD').toBe('HELD');
      expect(
        await gate().holdState(committed.orderId),
        'a committed hold past its holdUntil stays COMMITTED',
      ).toBe('COMMITTED');

      // A second sweep finds nothing more of ours; the expired customer may buy again.
      const again = await gate().expire();
      expect(
        again.filter((id) => [...due, notDue].some((r) => r.orderId === id)),
        'a second expire() releases nothing more of these holds',
      ).toEqual([]);
      expect(
        await gate().reserve(reserveRequest(sku, { customerId, limitPerCustomer: 3, qty: 3 })),
        "expired units stop counting against the customer's limit",
      ).toEqual({ ok: true });
    });

    gateCase("expire goes by the gate's clock, not the caller's", async () => {
      const sku = await stockedSku(4);
      const now = Date.now();
      const lapsed = reserveRequest(sku, { holdUntil: new Date(now - 60_000) });
      // Due in a minute by any true clock: a caller two minutes ahead must not be able to release it.
      const live = reserveRequest(sku, { holdUntil: new Date(now + 60_000) });
      for (const req of [lapsed, live])
        expect(await gate().reserve(req), 'a reservation with stock available succeeds').toEqual({ ok: true });

      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(now + 120_000);
      let released: string[];
      try {
        released = await gate().expire();
      } finally {
        vi.useRealTimers();
      }
      expect(released, "expire() releases a hold due by the gate's clock").toContain(lapsed.orderId);
      expect(released, "expire() ignores the caller's clock running ahead").not.toContain(live.orderId);
      expect(await gate().holdState(live.orderId), 'a hold due only by the caller\'s clock stays HELD').toBe('HELD');
      await expectCounters(sku, { available: 3, held: 1, sold: 0, restockedTotal: 4 });
    });

    gateCase('commit and release are idempotent', async () => {
      const sku = await stockedSku(10);
      const toCommit = reserveRequest(sku, { qty: 2 });
      const toRelease = reserveRequest(sku, { qty: 3 });
      await gate().reserve(toCommit);
      await gate().reserve(toRelease);
      expect(
        await gate().commit(toCommit.orderId),
        'commit of a HELD hold: ok, changed',
      ).toEqual({ ok: true, changed: true });
      expect(
        await gate().commit(toCommit.orderId),
        'commit repeated: ok, not changed',
      ).toEqual({ ok: true, changed: false });
      expect(
        await gate().release(toRelease.orderId),
        'release of a HELD hold: ok, changed',
      ).toEqual({ ok: true, changed: true });
      expect(
        await gate().release(toRelease.orderId),
        'release repeated: ok, not changed',
      ).toEqual({ ok: true, changed: false });
      const parallel = await Promise.all([
        ...Array.from({ length: 10 }, () => gate().commit(toCommit.orderId)),
        ...Array.from({ length: 10 }, () => gate().release(toRelease.orderId)),
      ]);
      expect(
        parallel.every((r) => r.ok && !r.changed),
        'repeated commits and releases in parallel: all ok, none changed',
      ).toBe(true);
      await expectCounters(sku, { available: 8, held: 0, sold: 2, restockedTotal: 10 });
      expect(await gate().holdState(toCommit.orderId), 'a committed hold stays COMMITTED').toBe('COMMITTED');
      expect(await gate().holdState(toRelease.orderId), 'a released hold stays RELEASED').toBe('RELEASED');
    });

    gateCase('a released hold cannot be committed', async () => {
      const sku = await stockedSku(5);
      const req = reserveRequest(sku, { qty: 2 });
      await gate().reserve(req);
      await gate().release(req.orderId);
      expect(
        await gate().commit(req.orderId),
        'a RELEASED hold cannot be committed',
      ).toEqual({ ok: false, state: 'RELEASED' });
      await expectCounters(sku, { available: 5, held: 0, sold: 0, restockedTotal: 5 });
    });

    gateCase('a committed hold cannot be released', async () => {
      const sku = await stockedSku(5);
      const req = reserveRequest(sku, { qty: 2 });
      await gate().reserve(req);
      await gate().commit(req.orderId);
      expect(
        await gate().release(req.orderId),
        'a COMMITTED hold cannot be released',
      ).toEqual({ ok: false, state: 'COMMITTED' });
      await expectCounters(sku, { available: 3, held: 0, sold: 2, restockedTotal: 5 });
    });

    gateCase('unknown orders report UNKNOWN', async () => {
      const orderId = uniqueId('order');
      expect(
        await gate().commit(orderId),
        'commit of an unknown orderId: state UNKNOWN',
      ).toEqual({ ok: false, state: 'UNKNOWN' });
      expect(
        await gate().release(orderId),
        'release of an unknown orderId: state UNKNOWN',
      ).toEqual({ ok: false, state: 'UNKNOWN' });
      expect(await gate().holdState(orderId), 'holdState of an unknown orderId is null').toBeNull();
      expect(await gate().snapshot(uniqueId('sku')), 'snapshot of an unknown SKU is null').toBeNull();
    });

    gateCase('restock is idempotent by opId', async () => {
      const sku = uniqueId('sku');
      const opId = uniqueId('op');
      const first = await gate().restock(sku, 5, opId);
      expect(
        first,
        'the first restock creates the SKU and is applied',
      ).toEqual({ applied: true, snapshot: { sku, available: 5, held: 0, sold: 0, restockedTotal: 5 } });
      const replay = await gate().restock(sku, 5, opId);
      expect(replay.applied, 'a restock repeated with the same opId is not applied').toBe(false);
      expect(
        replay.snapshot,
        'a repeated restock reports the unchanged counters',
      ).toEqual({ sku, available: 5, held: 0, sold: 0, restockedTotal: 5 });
      const second = await gate().restock(sku, 3, uniqueId('op'));
      expect(second.applied, 'a restock with a new opId is applied').toBe(true);
      await expectCounters(sku, { available: 8, held: 0, sold: 0, restockedTotal: 8 });
    });

    gateCase('concurrent restocks with one opId apply once', async () => {
      const sku = uniqueId('sku');
      const opId = uniqueId('op');
      const results = await Promise.all(Array.from({ length: 20 }, () => gate().restock(sku, 4, opId)));
      expect(
        results.filter((r) => r.applied),
        '20 parallel restocks with one opId: exactly one applied',
      ).toHaveLength(1);
      await expectCounters(sku, { available: 4, held: 0, sold: 0, restockedTotal: 4 });
    });

    gateCase('bad input is rejected with VALIDATION', async () => {
      const sku = await stockedSku(5);
      for (const qty of [0, -1, 1.5, Number.NaN]) {
        await expectValidation(gate().reserve(reserveRequest(sku, { qty })));
        await expectValidation(gate().restock(sku, qty, uniqueId('op')));
      }
      await expectValidation(gate().reserve(reserveRequest('', {})));
      await expectValidation(gate().reserve(reserveRequest(sku, { orderId: '' })));
      await expectValidation(gate().restock('', 1, uniqueId('op')));
      await expectValidation(gate().restock(sku, 1, ''));
      await expectCounters(sku, { available: 5, held: 0, sold: 0, restockedTotal: 5 });
    });

    gateCase('unknown SKU is NOT_ON_SALE', async () => {
      const sku = uniqueId('sku');
      expect(
        await gate().reserve(reserveRequest(sku)),
        'a SKU never restocked is NOT_ON_SALE',
      ).toEqual({ ok: false, reason: 'NOT_ON_SALE' });
      expect(await gate().snapshot(sku), 'a refused reservation does not create the SKU').toBeNull();
    });

    gateCase('extendHold gives a live hold one bounded grace', async (context) => {
      const optional = gate().extendHold?.bind(gate());
      // An optional capability: a gate that leaves it out is reported skipped, with the reason.
      if (optional === undefined) return context.skip('the gate leaves out the optional extendHold');
      const extendHold = optional;
      const graceMs = 120_000;
      const sku = await stockedSku(10);
      const startedAt = Date.now();
      // Ends in 5 s: shorter than the grace, so the first extension moves it to gate-now + grace.
      const ending = reserveRequest(sku, { holdUntil: new Date(startedAt + 5_000) });
      const long = reserveRequest(sku);
      const lapsed = reserveRequest(sku, { holdUntil: new Date(startedAt - 60_000) });
      const committed = reserveRequest(sku, { holdUntil: new Date(startedAt + 5_000) });
      for (const req of [ending, long, lapsed, committed])
        expect(await gate().reserve(req), 'a reservation with stock available succeeds').toEqual({ ok: true });
      await gate().commit(committed.orderId);

      const [first, second] = await Promise.all([extendHold(ending.orderId, graceMs), extendHold(ending.orderId, graceMs)]);
      const results = [first, second].map((r) => (r?.ok ? r : null));
      expect(results.every((r) => r !== null), 'extending a live hold succeeds').toBe(true);
      expect(
        results.filter((r) => r?.extended).length,
        'of two concurrent extensions of one hold exactly one extends it',
      ).toBe(1);
      const until = results[0]!.holdUntil.getTime();
      expect(results[1]!.holdUntil.getTime(), 'both report the same new end').toBe(until);
      expect(until, 'the new end is about gate-now + grace').toBeGreaterThanOrEqual(startedAt + graceMs - 5_000);
      expect(until, 'the new end is at most gate-now + grace').toBeLessThanOrEqual(Date.now() + graceMs + 5_000);
      expect(
        await extendHold(ending.orderId, graceMs * 10),
        'a hold extends once: a later call changes nothing',
      ).toEqual({ ok: true, holdUntil: new Date(until), extended: false });

      const unchanged = await extendHold(long.orderId, graceMs);
      expect(unchanged, 'a hold lasting longer than the grace is left alone').toEqual({
        ok: true,
        holdUntil: long.holdUntil,
        extended: false,
      });
      expect(await extendHold(lapsed.orderId, graceMs), 'a hold past its end cannot be extended').toEqual({
        ok: false,
        state: 'LAPSED',
      });
      expect(await extendHold(committed.orderId, graceMs), 'a committed hold cannot be extended').toEqual({
        ok: false,
        state: 'COMMITTED',
      });
      expect(await extendHold(uniqueId('order'), graceMs), 'an unknown order').toEqual({ ok: false, state: 'UNKNOWN' });
      await expectValidation(extendHold(ending.orderId, 0));

      // The extended hold is no longer due at its original end; it is released at its new one.
      const released = await gate().expire();
      expect(released, 'expire() releases the lapsed hold').toContain(lapsed.orderId);
      expect(released, 'expire() keeps the extended hold').not.toContain(ending.orderId);
      expect(await gate().holdState(ending.orderId), 'the extended hold stays HELD').toBe('HELD');
      expect(await gate().release(ending.orderId), 'the extended hold is released as any other').toEqual({ ok: true, changed: true });
      await expectCounters(sku, { available: 8, held: 1, sold: 1, restockedTotal: 10 });
    });

    gateCase('mixed storm keeps the invariant exact', async () => {
      const initial = 60;
      const sku = await stockedSku(initial);
      const past = new Date(Date.now() - 60_000);
      const orders = Array.from({ length: 150 }, (_, i) =>
        reserveRequest(sku, { qty: 1 + (i % 3), holdUntil: i % 5 === 0 ? past : farFuture() }),
      );
      const restocks = Array.from({ length: 10 }, (_, i) => ({ qty: 5, opId: uniqueId(`storm-${i}`) }));
      const snapshots: StockSnapshot[] = [];
      const tasks: Promise<unknown>[] = orders.map(async (req, i) => {
        const result = await gate().reserve(req);
        if (!result.ok) return;
        if (i % 3 === 0) await gate().commit(req.orderId);
        else if (i % 3 === 1) await gate().release(req.orderId);
        // The rest keep their hold (or lose it to the expiry sweep).
      });
      for (const op of restocks) tasks.push(gate().restock(sku, op.qty, op.opId));
      // Replays of the same restock ops must not add stock.
      for (const op of restocks.slice(0, 5)) tasks.push(gate().restock(sku, op.qty, op.opId));
      for (let i = 0; i < 5; i += 1) tasks.push(gate().expire());
      for (let i = 0; i < 10; i += 1) {
        tasks.push(gate().snapshot(sku).then((snap) => snap && snapshots.push(snap)));
      }
      await Promise.all(tasks);
      for (const snap of snapshots) assertStockInvariant(snap);

      // Recount from the holds: the counters must match the per-order truth exactly.
      let held = 0;
      let sold = 0;
      for (const req of orders) {
        const state = await gate().holdState(req.orderId);
        if (state === 'HELD') held += req.qty;
        if (state === 'COMMITTED') sold += req.qty;
      }
      const restockedTotal = initial + restocks.reduce((sum, op) => sum + op.qty, 0);
      await expectCounters(sku, { available: restockedTotal - held - sold, held, sold, restockedTotal });
    }, 60_000);
  });
}
