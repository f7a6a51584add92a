import { LimitedCartError } from '../domain/errors.js';
import type { Clock } from '../ports/small-ports.js';
import type {
  HoldExtension,
  HoldState,
  HoldTransition,
  ReserveRequest,
  ReserveResult,
  RestockResult,
  StockGate,
  StockSnapshot,
} from '../ports/stock-gate.js';
import { createSystemClock } from './clock.js';

interface Counters {
  available: number;
  held: number;
  sold: number;
  restockedTotal: number;
}

interface Hold {
  readonly sku: string;
  readonly qty: number;
  readonly customerId: string;
  holdUntil: number;
  /** The hold used its one extension (`extendHold`). */
  extended: boolean;
  state: HoldState;
}

export interface MemoryStockGateOptions {
  /** The gate's clock: `expire` releases the holds due by it. Default: the system clock. */
  readonly clock?: Clock;
}

const requireId = (value: string, field: string): void => {
  if (typeof value !== 'string' || value.length === 0) {
    throw new LimitedCartError('VALIDATION', `${field} must be a non-empty string`, { details: { field } });
  }
};

const requirePositiveInteger = (value: number, field: string): void => {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new LimitedCartError('VALIDATION', `${field} must be a positive integer, got ${value}`, {
      details: { field, value },
    });
  }
};

/**
 * Lets other callers run before the critical section, as a network round trip would. Each operation's
 * critical section is synchronous, hence atomic; this yield is what makes concurrent calls interleave.
 */
const yieldToOthers = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The in-memory stock gate: the reference behaviour the Postgres and Redis gates must match. */
export const createMemoryStockGate = (options: MemoryStockGateOptions = {}): StockGate => {
  const clock = options.clock ?? createSystemClock();
  const skus = new Map<string, Counters>();
  const holds = new Map<string, Hold>();
  const restockOps = new Set<string>();
  /** Units held + sold per (sku, customer). */
  const perCustomer = new Map<string, number>();
  const customerKey = (sku: string, customerId: string): string => `${sku}\u0000${customerId}`;

  const snapshotOf = (sku: string, counters: Counters): StockSnapshot => ({ sku, ...counters });

  const releaseHold = (orderId: string, hold: Hold): void => {
    const counters = skus.get(hold.sku)!;
    counters.held -= hold.qty;
    counters.available += hold.qty;
    const key = customerKey(hold.sku, hold.customerId);
    perCustomer.set(key, (perCustomer.get(key) ?? 0) - hold.qty);
    hold.state = 'RELEASED';
    holds.set(orderId, hold);
  };

  return {
    async reserve(request: ReserveRequest): Promise<ReserveResult> {
      requireId(request.sku, 'sku');
      requireId(request.orderId, 'orderId');
      requireId(request.customerId, 'customerId');
      requirePositiveInteger(request.qty, 'qty');
      if (!Number.isSafeInteger(request.limitPerCustomer) || request.limitPerCustomer < 0) {
        throw new LimitedCartError('VALIDATION', 'limitPerCustomer must be a non-negative integer');
      }
      const holdUntil = request.holdUntil.getTime();
      if (Number.isNaN(holdUntil)) throw new LimitedCartError('VALIDATION', 'holdUntil must be a valid date');
      await yieldToOthers();

      if (holds.has(request.orderId)) return { ok: true };
      const counters = skus.get(request.sku);
      if (counters === undefined) return { ok: false, reason: 'NOT_ON_SALE' };
      const key = customerKey(request.sku, request.customerId);
      const alreadyCounted = perCustomer.get(key) ?? 0;
      if (request.limitPerCustomer > 0 && alreadyCounted + request.qty > request.limitPerCustomer) {
        return { ok: false, reason: 'LIMIT_EXCEEDED' };
      }
      if (counters.available < request.qty) return { ok: false, reason: 'SOLD_OUT' };
      counters.available -= request.qty;
      counters.held += request.qty;
      perCustomer.set(key, alreadyCounted + request.qty);
      holds.set(request.orderId, {
        sku: request.sku,
        qty: request.qty,
        customerId: request.customerId,
        holdUntil,
        extended: false,
        state: 'HELD',
      });
      return { ok: true };
    },

    async commit(orderId: string): Promise<HoldTransition> {
      requireId(orderId, 'orderId');
      await yieldToOthers();
      const hold = holds.get(orderId);
      if (hold === undefined) return { ok: false, state: 'UNKNOWN' };
      if (hold.state === 'COMMITTED') return { ok: true, changed: false };
      if (hold.state === 'RELEASED') return { ok: false, state: 'RELEASED' };
      const counters = skus.get(hold.sku)!;
      counters.held -= hold.qty;
      counters.sold += hold.qty;
      hold.state = 'COMMITTED';
      return { ok: true, changed: true };
    },

    async release(orderId: string): Promise<HoldTransition> {
      requireId(orderId, 'orderId');
      await yieldToOthers();
      const hold = holds.get(orderId);
      if (hold === undefined) return { ok: false, state: 'UNKNOWN' };
      if (hold.state === 'RELEASED') return { ok: true, changed: false };
      if (hold.state === 'COMMITTED') return { ok: false, state: 'COMMITTED' };
      releaseHold(orderId, hold);
      return { ok: true, changed: true };
    },

    async restock(sku: string, qty: number, opId: string): Promise<RestockResult> {
      requireId(sku, 'sku');
      requireId(opId, 'opId');
      requirePositiveInteger(qty, 'qty');
      await yieldToOthers();
      let counters = skus.get(sku);
      if (restockOps.has(opId)) {
        // A replayed opId reports the SKU as it is now; it may even be another SKU's op, which changes nothing.
        counters ??= { available: 0, held: 0, sold: 0, restockedTotal: 0 };
        return { applied: false, snapshot: snapshotOf(sku, counters) };
      }
      if (counters === undefined) {
        counters = { available: 0, held: 0, sold: 0, restockedTotal: 0 };
        skus.set(sku, counters);
      }
      restockOps.add(opId);
      counters.available += qty;
      counters.restockedTotal += qty;
      return { applied: true, snapshot: snapshotOf(sku, counters) };
    },

    async snapshot(sku: string): Promise<StockSnapshot | null> {
      await yieldToOthers();
      const counters = skus.get(sku);
      return counters === undefined ? null : snapshotOf(sku, counters);
    },

    async expire(): Promise<string[]> {
      await yieldToOthers();
      const cutoff = clock.now().getTime();
      const released: string[] = [];
      for (const [orderId, hold] of holds) {
        if (hold.state === 'HELD' && hold.holdUntil <= cutoff) {
          releaseHold(orderId, hold);
          released.push(orderId);
        }
      }
      return released;
    },

    async extendHold(orderId: string, graceMs: number): Promise<HoldExtension> {
      requireId(orderId, 'orderId');
      requirePositiveInteger(graceMs, 'graceMs');
      await yieldToOthers();
      const hold = holds.get(orderId);
      if (hold === undefined) return { ok: false, state: 'UNKNOWN' };
      if (hold.state !== 'HELD') return { ok: false, state: hold.state };
      const now = clock.now().getTime();
      if (hold.holdUntil <= now) return { ok: false, state: 'LAPSED' };
      if (hold.extended || hold.holdUntil >= now + graceMs) return { ok: true, holdUntil: new Date(hold.holdUntil), extended: false };
      hold.holdUntil = now + graceMs;
      hold.extended = true;
      return { ok: true, holdUntil: new Date(hold.holdUntil), extended: true };
    },

    async holdState(orderId: string): Promise<HoldState | null> {
      await yieldToOthers();
      return holds.get(orderId)?.state ?? null;
    },
  };
};
