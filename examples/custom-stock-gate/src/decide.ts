import type { HoldExtension, HoldTransition, ReserveRequest, ReserveResult, RestockResult, StockSnapshot } from '@limitedcart/core';
import type { LedgerEvent } from './events.js';
import type { Projection } from './projection.js';

/**
 * A command's answer and the events that make it true. Deciding reads the projection and never changes it;
 * the gate appends `events` and only then applies them, so an answer is never given for a fact that did not
 * reach the log.
 */
export interface Decision<T> {
  readonly result: T;
  readonly events: readonly LedgerEvent[];
}

const nothing = <T>(result: T): Decision<T> => ({ result, events: [] });

export function decideReserve(state: Projection, request: ReserveRequest, at: number): Decision<ReserveResult> {
  // Idempotent per order id: whatever became of the first reservation, a repeat is the same yes.
  if (state.holds.has(request.orderId)) return nothing({ ok: true });
  const counters = state.skus.get(request.sku);
  if (counters === undefined) return nothing({ ok: false, reason: 'NOT_ON_SALE' });
  const owned = state.customerUnits(request.sku, request.customerId);
  if (request.limitPerCustomer > 0 && owned + request.qty > request.limitPerCustomer) {
    return nothing({ ok: false, reason: 'LIMIT_EXCEEDED' });
  }
  if (counters.available < request.qty) return nothing({ ok: false, reason: 'SOLD_OUT' });
  return {
    result: { ok: true },
    events: [
      {
        type: 'reserved',
        orderId: request.orderId,
        sku: request.sku,
        qty: request.qty,
        customerId: request.customerId,
        holdUntil: request.holdUntil.getTime(),
        at,
      },
    ],
  };
}

export function decideCommit(state: Projection, orderId: string, at: number): Decision<HoldTransition> {
  const hold = state.holds.get(orderId);
  if (hold === undefined) return nothing({ ok: false, state: 'UNKNOWN' });
  if (hold.state === 'COMMITTED') return nothing({ ok: true, changed: false });
  if (hold.state === 'RELEASED') return nothing({ ok: false, state: 'RELEASED' });
  return { result: { ok: true, changed: true }, events: [{ type: 'committed', orderId, at }] };
}

export function decideRelease(state: Projection, orderId: string, at: number): Decision<HoldTransition> {
  const hold = state.holds.get(orderId);
  if (hold === undefined) return nothing({ ok: false, state: 'UNKNOWN' });
  if (hold.state === 'RELEASED') return nothing({ ok: true, changed: false });
  if (hold.state === 'COMMITTED') return nothing({ ok: false, state: 'COMMITTED' });
  return { result: { ok: true, changed: true }, events: [{ type: 'released', orderId, cause: 'release', at }] };
}

/** One grace per hold, decided on the gate's clock (`now`), like expiry. */
export function decideExtend(state: Projection, orderId: string, graceMs: number, now: number, at: number): Decision<HoldExtension> {
  const hold = state.holds.get(orderId);
  if (hold === undefined) return nothing({ ok: false, state: 'UNKNOWN' });
  if (hold.state !== 'HELD') return nothing({ ok: false, state: hold.state });
  if (hold.holdUntil <= now) return nothing({ ok: false, state: 'LAPSED' });
  if (hold.extended || hold.holdUntil >= now + graceMs) return nothing({ ok: true, holdUntil: new Date(hold.holdUntil), extended: false });
  const holdUntil = now + graceMs;
  return { result: { ok: true, holdUntil: new Date(holdUntil), extended: true }, events: [{ type: 'extended', orderId, holdUntil, at }] };
}

/** The snapshot a restock reports is computed after its events apply, so it is left to the gate. */
export function decideRestock(state: Projection, sku: string, qty: number, opId: string, at: number): Decision<{ applied: boolean }> {
  if (state.restockOps.has(opId)) return nothing({ applied: false });
  return { result: { applied: true }, events: [{ type: 'restocked', sku, qty, opId, at }] };
}

export function decideExpire(state: Projection, now: number, at: number): Decision<string[]> {
  const due = [...state.openHolds].filter((orderId) => (state.holds.get(orderId)?.holdUntil ?? Infinity) <= now);
  return {
    result: due,
    events: due.map((orderId) => ({ type: 'released', orderId, cause: 'expired', at }) as const),
  };
}

/** An unknown SKU reports zeros without being created: only a restock creates a SKU. */
export const restockSnapshot = (state: Projection, sku: string): RestockResult['snapshot'] =>
  state.snapshot(sku) ?? ({ sku, available: 0, held: 0, sold: 0, restockedTotal: 0 } satisfies StockSnapshot);
