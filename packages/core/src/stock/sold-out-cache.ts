import { forwardLifecycle } from '../ports/lifecycle.js';
import type { HoldTransition, ReserveProbe, ReserveRequest, ReserveResult, RestockResult, StockGate } from '../ports/stock-gate.js';

export interface SoldOutCacheOptions {
  /**
   * How long a SOLD_OUT answer is repeated from memory. This bounds the staleness for changes made elsewhere
   * (another replica releasing or restocking, the expiry sweep of another process): units freed there become
   * sellable through this gate at most `ttlMs` plus one gate round trip later. Changes made through this decorator
   * take effect immediately.
   */
  readonly ttlMs: number;
  /** Milliseconds clock; defaults to `Date.now`. */
  readonly now?: () => number;
}

interface SoldOutEntry {
  /** The smallest quantity the gate rejected as sold out: fewer units than this are available. */
  readonly qty: number;
  readonly until: number;
  /** Past `until`, one reservation is asking the gate again; the others keep the answer until it returns. */
  refreshing: boolean;
}

/**
 * Wraps a stock gate so a SKU the gate just reported sold out is answered SOLD_OUT from memory, without a
 * round trip, for `ttlMs`. During a drop almost every attempt after the last unit is such a rejection, so this
 * turns the reject path into a map lookup. When the entry runs out, one reservation asks the gate again while the
 * rest keep hearing SOLD_OUT until it returns, so hundreds of concurrent attempts do not all fall through to the
 * gate at every expiry. `knownRejection` (which cannot reserve) renews a run-out entry from the gate's
 * snapshot in the background instead, answering from memory meanwhile.
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

  /**
   * `answer`: SOLD_OUT from memory. `ask`: the gate decides. `refresh` (only with `mayRefresh`): the entry has
   * run out and this caller renews it (a reservation by asking the gate, a probe from a snapshot); everybody
   * else is answered until that is back.
   */
  const lookup = (request: ReserveProbe, mayRefresh: boolean): 'answer' | 'ask' | 'refresh' => {
    // Malformed requests go to the gate, which owns validation.
    if (typeof request !== 'object' || request === null || typeof request.sku !== 'string') return 'ask';
    const entry = soldOut.get(request.sku);
    if (entry === undefined) return 'ask';
    if (request.limitPerCustomer !== 0 && holders.get(request.sku)?.has(request.customerId)) return 'ask';
    if (!Number.isSafeInteger(request.qty) || request.qty < entry.qty) return 'ask';
    if (entry.until > now() || entry.refreshing) return 'answer';
    if (!mayRefresh) return 'ask';
    entry.refreshing = true;
    return 'refresh';
  };

  /**
   * Renews a run-out entry from the gate's snapshot in the background, answering from memory meanwhile. Used by
   * `knownRejection`, which cannot reserve: without it every caller between the expiry and the next reservation
   * would be sent on to do its work for nothing.
   */
  const refreshInBackground = (sku: string, entry: SoldOutEntry): void => {
    gate.snapshot(sku).then(
      (snapshot) => {
        if (soldOut.get(sku) !== entry) return;
        if (snapshot !== null && snapshot.available < entry.qty) soldOut.set(sku, { qty: entry.qty, until: now() + ttlMs, refreshing: false });
        else soldOut.delete(sku);
      },
      () => {
        entry.refreshing = false;
      },
    );
  };

  const knownRejection = (probe: ReserveProbe): 'SOLD_OUT' | null => {
    const found = lookup(probe, true);
    // Run out: answer this probe anyway and renew the entry behind it.
    if (found === 'refresh') refreshInBackground(probe.sku, soldOut.get(probe.sku)!);
    return found === 'ask' ? null : 'SOLD_OUT';
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
    soldOut.set(sku, { qty: smallest, until: now() + ttlMs, refreshing: false });
  };

  const forgetAllIfChanged = (transition: HoldTransition): HoldTransition => {
    if (transition.ok && transition.changed) soldOut.clear();
    return transition;
  };

  return forwardLifecycle<StockGate>({
    async reserve(request: ReserveRequest): Promise<ReserveResult> {
      const validOrderId = typeof request?.orderId === 'string' && request.orderId !== '';
      const found = validOrderId ? lookup(request, true) : 'ask';
      if (found === 'answer') return { ok: false, reason: 'SOLD_OUT' };
      const entry = found === 'refresh' ? soldOut.get(request.sku) : undefined;
      let result: ReserveResult;
      try {
        result = await gate.reserve(request);
      } catch (error) {
        // Let the next reservation ask instead.
        if (entry !== undefined) entry.refreshing = false;
        throw error;
      }
      if (result.ok) rememberHolder(request);
      if (!result.ok && result.reason === 'SOLD_OUT' && ttlMs > 0) remember(request.sku, request.qty);
      else if (entry !== undefined && soldOut.get(request.sku) === entry) soldOut.delete(request.sku);
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
    async expire() {
      const released = await gate.expire();
      if (released.length > 0) soldOut.clear();
      return released;
    },
    holdState: (orderId) => gate.holdState(orderId),
    // An extension changes no counter: nothing to forget.
    ...(gate.extendHold && { extendHold: (orderId: string, graceMs: number) => gate.extendHold!(orderId, graceMs) }),
    // What this decorator remembers, or else whatever the wrapped gate knows.
    knownRejection: (probe) => knownRejection(probe) ?? gate.knownRejection?.(probe) ?? null,
    ...(gate.reconcile && {
      async reconcile(skus, options) {
        const report = await gate.reconcile!(skus, options);
        // A repair rewrites the admission tier: what was remembered as sold out may be sellable now.
        if (options.repair) soldOut.clear();
        return report;
      },
    }),
  }, gate);
}
