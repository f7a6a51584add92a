// (c) A third-party StockGate written against the published port only, as an adapter author would.
import {
  type Clock,
  type HoldExtension,
  type HoldState,
  type HoldTransition,
  LimitedCartError,
  type ReserveRequest,
  type ReserveResult,
  type RestockResult,
  type StockGate,
  type StockSnapshot,
} from '@limitedcart/core';

interface Sku {
  available: number;
  held: number;
  sold: number;
  restockedTotal: number;
}

interface Hold {
  readonly sku: string;
  readonly qty: number;
  readonly customerId: string;
  holdUntil: Date;
  state: HoldState;
  /** Used its one grace (`extendHold`). */
  extended: boolean;
}

const invalid = (message: string) => new LimitedCartError('VALIDATION', message);

const requirePositiveInteger = (value: number, field: string): void => {
  if (!Number.isSafeInteger(value) || value <= 0) throw invalid(`${field} must be a positive integer`);
};

const requireText = (value: string, field: string): void => {
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${field} must be a non-empty string`);
};

/**
 * Stock in plain maps. Each operation runs alone behind one promise chain: a backend would give the same
 * atomicity with a transaction or a script. The `await` inside the lock stands for that round trip, so the
 * kit's concurrent cases really interleave callers.
 */
export function createMapStockGate(clock: Clock): StockGate {
  const skus = new Map<string, Sku>();
  const holds = new Map<string, Hold>();
  const appliedOps = new Set<string>();
  /** Units held or bought per `sku customerId`: the per-customer limit counts both. */
  const perCustomer = new Map<string, number>();
  let tail: Promise<unknown> = Promise.resolve();

  const atomically = <T>(operation: () => T): Promise<T> => {
    const next = tail.then(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return operation();
    });
    tail = next.catch(() => undefined);
    return next;
  };

  const snapshotOf = (sku: string, counters: Sku): StockSnapshot => ({ sku, ...counters });
  const customerKey = (sku: string, customerId: string) => `${sku} ${customerId}`;

  const transition = (orderId: string, to: 'COMMITTED' | 'RELEASED'): HoldTransition => {
    const hold = holds.get(orderId);
    if (hold === undefined) return { ok: false, state: 'UNKNOWN' };
    if (hold.state === to) return { ok: true, changed: false };
    if (hold.state !== 'HELD') return { ok: false, state: hold.state };
    const counters = skus.get(hold.sku)!;
    counters.held -= hold.qty;
    if (to === 'COMMITTED') counters.sold += hold.qty;
    else {
      counters.available += hold.qty;
      const key = customerKey(hold.sku, hold.customerId);
      perCustomer.set(key, (perCustomer.get(key) ?? 0) - hold.qty);
    }
    hold.state = to;
    return { ok: true, changed: true };
  };

  return {
    async reserve(request: ReserveRequest): Promise<ReserveResult> {
      requireText(request.sku, 'sku');
      requireText(request.orderId, 'orderId');
      requirePositiveInteger(request.qty, 'qty');
      return atomically((): ReserveResult => {
        if (holds.has(request.orderId)) return { ok: true };
        const counters = skus.get(request.sku);
        if (counters === undefined) return { ok: false, reason: 'NOT_ON_SALE' };
        const key = customerKey(request.sku, request.customerId);
        const bought = perCustomer.get(key) ?? 0;
        if (request.limitPerCustomer > 0 && bought + request.qty > request.limitPerCustomer) {
          return { ok: false, reason: 'LIMIT_EXCEEDED' };
        }
        if (counters.available < request.qty) return { ok: false, reason: 'SOLD_OUT' };
        counters.available -= request.qty;
        counters.held += request.qty;
        perCustomer.set(key, bought + request.qty);
        holds.set(request.orderId, { ...request, state: 'HELD', extended: false });
        return { ok: true };
      });
    },
    commit: (orderId) => atomically(() => transition(orderId, 'COMMITTED')),
    release: (orderId) => atomically(() => transition(orderId, 'RELEASED')),
    async restock(sku: string, qty: number, opId: string): Promise<RestockResult> {
      requireText(sku, 'sku');
      requireText(opId, 'opId');
      requirePositiveInteger(qty, 'qty');
      return atomically(() => {
        const counters = skus.get(sku) ?? { available: 0, held: 0, sold: 0, restockedTotal: 0 };
        skus.set(sku, counters);
        const applied = !appliedOps.has(opId);
        if (applied) {
          appliedOps.add(opId);
          counters.available += qty;
          counters.restockedTotal += qty;
        }
        return { applied, snapshot: snapshotOf(sku, counters) };
      });
    },
    snapshot: (sku) =>
      atomically(() => {
        const counters = skus.get(sku);
        return counters === undefined ? null : snapshotOf(sku, counters);
      }),
    // Due by the gate's own clock: a caller whose clock runs ahead must not release holds early.
    expire: () =>
      atomically(() => {
        const now = clock.now();
        const due = [...holds].filter(([, hold]) => hold.state === 'HELD' && hold.holdUntil <= now);
        for (const [orderId] of due) transition(orderId, 'RELEASED');
        return due.map(([orderId]) => orderId);
      }),
    // One grace per hold, decided on the gate's clock, like expiry.
    async extendHold(orderId: string, graceMs: number): Promise<HoldExtension> {
      requireText(orderId, 'orderId');
      requirePositiveInteger(graceMs, 'graceMs');
      return atomically((): HoldExtension => {
        const hold = holds.get(orderId);
        if (hold === undefined) return { ok: false, state: 'UNKNOWN' };
        if (hold.state !== 'HELD') return { ok: false, state: hold.state };
        const now = clock.now().getTime();
        if (hold.holdUntil.getTime() <= now) return { ok: false, state: 'LAPSED' };
        if (hold.extended || hold.holdUntil.getTime() >= now + graceMs) return { ok: true, holdUntil: hold.holdUntil, extended: false };
        hold.holdUntil = new Date(now + graceMs);
        hold.extended = true;
        return { ok: true, holdUntil: hold.holdUntil, extended: true };
      });
    },
    holdState: (orderId) => atomically(() => holds.get(orderId)?.state ?? null),
  };
}
