import { describe, expect, it } from 'vitest';
import { createManualClock } from '../src/memory/clock.js';
import { createMemoryStockGate } from '../src/memory/stock-gate.js';
import type { StockGate } from '../src/ports/stock-gate.js';
import { withSoldOutCache } from '../src/stock/sold-out-cache.js';
import { reserveRequest, uniqueId } from '../src/testing/reserve-request.js';
import { describeStockGateContract } from '../src/testing/stock-gate-contract.js';

describeStockGateContract('memory behind withSoldOutCache', async ({ clock }) => ({
  gate: withSoldOutCache(createMemoryStockGate({ clock }), { ttlMs: 60_000 }),
  close: async () => {},
}));

/** A gate that counts the reservations that reach it. */
const counting = (gate: StockGate) => {
  const counter = { reserves: 0 };
  const wrapped: StockGate = {
    ...gate,
    reserve: (request) => {
      counter.reserves += 1;
      return gate.reserve(request);
    },
  };
  return { gate: wrapped, counter };
};

const manualMs = () => {
  let ms = 1_000_000;
  return { now: () => ms, advance: (by: number) => (ms += by) };
};

/** A SKU with `units` in stock, all sold out by reservations through `gate` plus one rejected attempt. */
async function soldOutSku(gate: StockGate, units = 1) {
  const sku = uniqueId('sku');
  await gate.restock(sku, units, uniqueId('op'));
  const holds: string[] = [];
  for (let i = 0; i < units; i += 1) {
    const request = reserveRequest(sku);
    expect(await gate.reserve(request)).toEqual({ ok: true });
    holds.push(request.orderId);
  }
  expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: false, reason: 'SOLD_OUT' });
  return { sku, holds };
}

describe('withSoldOutCache', () => {
  it('answers a sold-out SKU from memory until the TTL passes', async () => {
    const clock = manualMs();
    const inner = counting(createMemoryStockGate());
    const gate = withSoldOutCache(inner.gate, { ttlMs: 500, now: clock.now });
    const { sku } = await soldOutSku(gate);
    const reached = inner.counter.reserves;

    for (let i = 0; i < 10; i += 1) expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(inner.counter.reserves).toBe(reached);

    clock.advance(500);
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(inner.counter.reserves).toBe(reached + 1);
  });

  it('asks the gate for a smaller quantity than the one rejected', async () => {
    const inner = counting(createMemoryStockGate());
    const gate = withSoldOutCache(inner.gate, { ttlMs: 60_000 });
    const sku = uniqueId('sku');
    await gate.restock(sku, 1, uniqueId('op'));
    expect(await gate.reserve(reserveRequest(sku, { qty: 2 }))).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(await gate.reserve(reserveRequest(sku, { qty: 3 }))).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(inner.counter.reserves).toBe(1);
    expect(await gate.reserve(reserveRequest(sku, { qty: 1 }))).toEqual({ ok: true });
    expect(inner.counter.reserves).toBe(2);
  });

  it('makes released units sellable at once when the release goes through it', async () => {
    const gate = withSoldOutCache(createMemoryStockGate(), { ttlMs: 60_000 });
    const { sku, holds } = await soldOutSku(gate);
    expect(await gate.release(holds[0]!)).toEqual({ ok: true, changed: true });
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: true });
  });

  it('makes expired holds sellable at once when the sweep goes through it', async () => {
    const clock = createManualClock(new Date());
    const gate = withSoldOutCache(createMemoryStockGate({ clock }), { ttlMs: 60_000 });
    const sku = uniqueId('sku');
    await gate.restock(sku, 1, uniqueId('op'));
    const holdUntil = new Date(clock.now().getTime() + 1_000);
    expect(await gate.reserve(reserveRequest(sku, { holdUntil }))).toEqual({ ok: true });
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: false, reason: 'SOLD_OUT' });
    clock.advance(1_001);
    expect(await gate.expire()).toHaveLength(1);
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: true });
  });

  it('makes restocked units sellable at once', async () => {
    const gate = withSoldOutCache(createMemoryStockGate(), { ttlMs: 60_000 });
    const { sku } = await soldOutSku(gate);
    await gate.restock(sku, 2, uniqueId('op'));
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: true });
  });

  it('sees a release made through another replica after at most the TTL', async () => {
    const clock = manualMs();
    const shared = createMemoryStockGate();
    const replicaA = withSoldOutCache(shared, { ttlMs: 250, now: clock.now });
    const replicaB = withSoldOutCache(shared, { ttlMs: 250, now: clock.now });
    const { sku, holds } = await soldOutSku(replicaA);

    expect(await replicaB.release(holds[0]!)).toEqual({ ok: true, changed: true });
    // Replica A has not seen the release yet: the cached answer is stale but errs on the side of not selling.
    expect(await replicaA.reserve(reserveRequest(sku))).toEqual({ ok: false, reason: 'SOLD_OUT' });
    clock.advance(250);
    expect(await replicaA.reserve(reserveRequest(sku))).toEqual({ ok: true });
    const snapshot = await shared.snapshot(sku);
    expect(snapshot).toMatchObject({ available: 0, held: 1, sold: 0, restockedTotal: 1 });
  });

  it('leaves other SKUs and other rejections to the gate', async () => {
    const inner = counting(createMemoryStockGate());
    const gate = withSoldOutCache(inner.gate, { ttlMs: 60_000 });
    await soldOutSku(gate);
    const other = uniqueId('sku');
    await gate.restock(other, 5, uniqueId('op'));
    const customerId = uniqueId('customer');
    expect(await gate.reserve(reserveRequest(other, { customerId, limitPerCustomer: 1 }))).toEqual({ ok: true });
    const before = inner.counter.reserves;
    for (let i = 0; i < 3; i += 1) {
      expect(await gate.reserve(reserveRequest(other, { customerId, limitPerCustomer: 1 }))).toEqual({ ok: false, reason: 'LIMIT_EXCEEDED' });
    }
    expect(inner.counter.reserves).toBe(before + 3);
    expect(await gate.reserve(reserveRequest(uniqueId('sku')))).toEqual({ ok: false, reason: 'NOT_ON_SALE' });
  });

  it('keeps LIMIT_EXCEEDED for a customer who holds the SKU through it', async () => {
    const gate = withSoldOutCache(createMemoryStockGate(), { ttlMs: 60_000 });
    const sku = uniqueId('sku');
    await gate.restock(sku, 1, uniqueId('op'));
    const winner = uniqueId('customer');
    expect(await gate.reserve(reserveRequest(sku, { customerId: winner, limitPerCustomer: 1 }))).toEqual({ ok: true });
    expect(await gate.reserve(reserveRequest(sku, { limitPerCustomer: 1 }))).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(await gate.reserve(reserveRequest(sku, { customerId: winner, limitPerCustomer: 1 }))).toEqual({ ok: false, reason: 'LIMIT_EXCEEDED' });
    expect(await gate.reserve(reserveRequest(sku, { limitPerCustomer: 1 }))).toEqual({ ok: false, reason: 'SOLD_OUT' });
  });

  it('past the TTL one reservation asks the gate again while concurrent ones keep the answer', async () => {
    const clock = manualMs();
    const inner = counting(createMemoryStockGate());
    const gate = withSoldOutCache(inner.gate, { ttlMs: 500, now: clock.now });
    const { sku, holds } = await soldOutSku(gate);
    clock.advance(500);
    const reached = inner.counter.reserves;
    const answers = await Promise.all(Array.from({ length: 20 }, () => gate.reserve(reserveRequest(sku))));
    expect(answers.every((answer) => !answer.ok && answer.reason === 'SOLD_OUT')).toBe(true);
    expect(inner.counter.reserves).toBe(reached + 1);

    // Units freed behind its back: the next refresh finds them and the entry is gone.
    await inner.gate.release(holds[0]!);
    clock.advance(500);
    const [first, second] = await Promise.all([gate.reserve(reserveRequest(sku)), gate.reserve(reserveRequest(sku))]);
    expect(first).toEqual({ ok: true });
    expect(second).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(inner.counter.reserves).toBe(reached + 3);
  });

  it('a refresh that fails lets the next reservation ask', async () => {
    const clock = manualMs();
    const memory = createMemoryStockGate();
    let failNext = false;
    const flaky: StockGate = {
      ...memory,
      reserve: (request) => (failNext ? Promise.reject(new Error('gate down')) : memory.reserve(request)),
    };
    const gate = withSoldOutCache(flaky, { ttlMs: 500, now: clock.now });
    const { sku } = await soldOutSku(gate);
    clock.advance(500);
    failNext = true;
    await expect(gate.reserve(reserveRequest(sku))).rejects.toThrow('gate down');
    failNext = false;
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: false, reason: 'SOLD_OUT' });
  });

  it('knownRejection tells what reserve would answer from memory, and knows nothing else', async () => {
    const clock = manualMs();
    const inner = counting(createMemoryStockGate());
    const gate = withSoldOutCache(inner.gate, { ttlMs: 500, now: clock.now });
    const { sku } = await soldOutSku(gate, 2);
    const probe = { sku, qty: 1, customerId: uniqueId('customer'), limitPerCustomer: 0 };
    const reached = inner.counter.reserves;
    expect(gate.knownRejection?.(probe)).toBe('SOLD_OUT');
    expect(gate.knownRejection?.({ ...probe, sku: uniqueId('sku') })).toBeNull();
    expect(inner.counter.reserves).toBe(reached);
  });

  it('past the TTL knownRejection keeps answering while it renews the entry from a snapshot', async () => {
    const clock = manualMs();
    const inner = counting(createMemoryStockGate());
    const gate = withSoldOutCache(inner.gate, { ttlMs: 500, now: clock.now });
    const { sku, holds } = await soldOutSku(gate);
    const probe = { sku, qty: 1, customerId: uniqueId('customer'), limitPerCustomer: 0 };
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    clock.advance(500);
    expect(gate.knownRejection?.(probe)).toBe('SOLD_OUT');
    await settle();
    // Still sold out: renewed for another TTL.
    clock.advance(499);
    expect(gate.knownRejection?.(probe)).toBe('SOLD_OUT');

    // A unit freed behind the decorator's back is seen by the next renewal.
    await inner.gate.release(holds[0]!);
    clock.advance(1);
    expect(gate.knownRejection?.(probe)).toBe('SOLD_OUT');
    await settle();
    expect(gate.knownRejection?.(probe)).toBeNull();
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: true });
  });

  it('knownRejection forgets the SKU as soon as units come back through it', async () => {
    const gate = withSoldOutCache(createMemoryStockGate(), { ttlMs: 60_000 });
    const { sku, holds } = await soldOutSku(gate);
    const probe = { sku, qty: 1, customerId: uniqueId('customer'), limitPerCustomer: 0 };
    expect(gate.knownRejection?.(probe)).toBe('SOLD_OUT');
    await gate.release(holds[0]!);
    expect(gate.knownRejection?.(probe)).toBeNull();
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: true });
  });

  it('rejects a negative TTL', () => {
    expect(() => withSoldOutCache(createMemoryStockGate(), { ttlMs: -1 })).toThrow(RangeError);
  });
});
