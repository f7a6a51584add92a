import type { HoldTransition, ReserveRequest, ReserveResult, RestockResult, StockGate } from '../ports/stock-gate.js';

export interface SoldOutCacheOptions {
  /**
   * How long a SOLD_OUT answer is repeated from memory. This is the bound on staleness for changes made
   * elsewhere (another replica releasing or restocking, the expiry sweep of another process): units freed there
   * become sellable through this gate at most `ttlMs` later. Changes made through this decorator take effect
   * immediately.
   */
  readonly ttlMs: number;
  /** Milliseconds clock; defaults to `Date.now`. */
  readonly now?: () => number;
}

interface SoldOutEntry {
  /** The smallest quantity the gate rejected as sold out: fewer units than this are available. */
  readonly qty: number;
  readonly until: number;
}

/**
 * Wraps a stock gate so a SKU the gate just reported sold out is answered SOLD_OUT from memory, without a
 * round trip, for `ttlMs`. During a drop almost every attempt after the last unit is such a rejection, so this
 * turns the reject path into a map lookup.
 *
 * Exactness: the cached answer is given only for requests of at least the quantity the gate rejected (fewer
 * units than that are available, so more cannot be either). Any release, expiry or commit through this
 * decorator forgets every entry, and a restock forgets its SKU, so stock freed in this process is sellable
 * again at once; stock freed elsewhere is seen after at most `ttlMs`. Only SOLD_OUT is cached: the gate still
 * decides every reservation that can succeed, so the decorator can reject a sellable unit for at most `ttlMs`
 * but can never oversell. A reserve repeated for an order that already holds units of a cached SKU is answered
 * SOLD_OUT instead of the gate's idempotent `ok` during that window; the order flow never repeats a reserve
 * (each attempt has a new order id).
 *
 * Gates check the per-customer limit before the stock, so a customer who already holds the SKU hears
 * LIMIT_EXCEEDED rather than SOLD_OUT. To keep that answer, requests with a limit from customers this decorator
 * saw reserve the SKU always go to the gate (the set grows with the units sold through this process). A customer
 * who reserved through another replica may hear SOLD_OUT here instead: a rejection either way, only the reason
 * differs.
 */
export function withSoldOutCache(gate: StockGate, options: SoldOutCacheOptions): StockGate {
  if (!Number.isFinite(options.ttlMs) || options.ttlMs < 0) throw new RangeError(`ttlMs must be a non-negative number, got ${options.ttlMs}`);
  const ttlMs = options.ttlMs;
  const now = options.now ?? Date.now;
  const soldOut = new Map<string, SoldOutEntry>();
  /** Per SKU, customers who reserved it through this decorator under a per-customer limit. */
  const holders = new Map<string, Set<string>>();

  const cachedRejection = (request: ReserveRequest): boolean => {
    // Malformed requests go to the gate, which owns validation.
    if (typeof request !== 'object' || request === null || typeof request.sku !== 'string') return false;
    const entry = soldOut.get(request.sku);
    if (entry === undefined) return false;
    if (entry.until <= now()) {
      soldOut.delete(request.sku);
      return false;
    }
    if (request.limitPerCustomer !== 0 && holders.get(request.sku)?.has(request.customerId)) return false;
    return Number.isSafeInteger(request.qty) && request.qty >= entry.qty && typeof request.orderId === 'string' && request.orderId !== '';
  };

  const rememberHolder = (request: ReserveRequest): void => {
    if (request.limitPerCustomer === 0) return;
    let customers = holders.get(request.sku);
    if (customers === undefined) {
      customers = new Set();
      holders.set(request.sku, customers);
    }
    customers.add(request.customerId);
  };

  const remember = (sku: string, qty: number): void => {
    const previous = soldOut.get(sku);
    const smallest = previous !== undefined && previous.until > now() ? Math.min(previous.qty, qty) : qty;
    soldOut.set(sku, { qty: smallest, until: now() + ttlMs });
  };

  const forgetAllIfChanged = (transition: HoldTransition): HoldTransition => {
    if (transition.ok && transition.changed) soldOut.clear();
    return transition;
  };

  return {
    async reserve(request: ReserveRequest): Promise<ReserveResult> {
      if (cachedRejection(request)) return { ok: false, reason: 'SOLD_OUT' };
      const result = await gate.reserve(request);
      if (result.ok) rememberHolder(request);
      else if (result.reason === 'SOLD_OUT' && ttlMs > 0) remember(request.sku, request.qty);
      return result;
    },
    // The hold's SKU is not known here, so a release or commit forgets every SKU; both are rare next to reserves.
    async commit(orderId: string) {
      return forgetAllIfChanged(await gate.commit(orderId));
    },
    async release(orderId: string) {
      return forgetAllIfChanged(await gate.release(orderId));
    },
    async restock(sku: string, qty: number, opId: string): Promise<RestockResult> {
      const result = await gate.restock(sku, qty, opId);
      soldOut.delete(sku);
      return result;
    },
    snapshot: (sku) => gate.snapshot(sku),
    async expire(now: Date) {
      const released = await gate.expire(now);
      if (released.length > 0) soldOut.clear();
      return released;
    },
    holdState: (orderId) => gate.holdState(orderId),
  };
}
