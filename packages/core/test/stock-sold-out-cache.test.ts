import { describe, expect, it } from 'vitest';
import { createMemoryStockGate } from '../src/memory/stock-gate.js';
import type { StockGate } from '../src/ports/stock-gate.js';
import { withSoldOutCache } from '../src/stock/sold-out-cache.js';
import { reserveRequest, uniqueId } from '../src/testing/reserve-request.js';
import { describeStockGateContract } from '../src/testing/stock-gate-contract.js';

describeStockGateContract('memory behind withSoldOutCache', async () => ({
  gate: withSoldOutCache(createMemoryStockGate(), { ttlMs: 60_000 }),
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
    const gate = withSoldOutCache(createMemoryStockGate(), { ttlMs: 60_000 });
    const sku = uniqueId('sku');
    await gate.restock(sku, 1, uniqueId('op'));
    const holdUntil = new Date(Date.now() + 1_000);
    expect(await gate.reserve(reserveRequest(sku, { holdUntil }))).toEqual({ ok: true });
    expect(await gate.reserve(reserveRequest(sku))).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(await gate.expire(new Date(holdUntil.getTime() + 1))).toHaveLength(1);
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

  it('rejects a negative TTL', () => {
    expect(() => withSoldOutCache(createMemoryStockGate(), { ttlMs: -1 })).toThrow(RangeError);
  });
});
