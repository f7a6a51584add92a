import type { StockReconciliation } from './stock-reconciliation.js';

export type ReserveRejection = 'SOLD_OUT' | 'LIMIT_EXCEEDED' | 'NOT_ON_SALE';

export interface ReserveRequest {
  readonly sku: string;
  /** Positive integer. */
  readonly qty: number;
  /** Idempotency key of the hold: reserving the same order twice holds once. */
  readonly orderId: string;
  readonly customerId: string;
  /** Max units one customer may hold + buy of this SKU; 0 means unlimited. */
  readonly limitPerCustomer: number;
  /** When the hold lapses unless committed; `expire` releases it once the gate's own clock has passed it. */
  readonly holdUntil: Date;
}

/** What a gate needs to know to answer a reservation from memory: the request without its order and hold time. */
export type ReserveProbe = Pick<ReserveRequest, 'sku' | 'qty' | 'customerId' | 'limitPerCustomer'>;

export type ReserveResult = { readonly ok: true } | { readonly ok: false; readonly reason: ReserveRejection };

export type HoldState = 'HELD' | 'COMMITTED' | 'RELEASED';

/**
 * Outcome of commit/release. Both are idempotent: repeating the call that already happened reports `ok: true`
 * with `changed: false`. A released hold cannot be committed (`ok: false, state: 'RELEASED'`) and a committed
 * one cannot be released; an unknown order gives `state: 'UNKNOWN'`.
 */
export type HoldTransition =
  | { readonly ok: true; readonly changed: boolean }
  | { readonly ok: false; readonly state: HoldState | 'UNKNOWN' };

/**
 * Outcome of `extendHold`. `extended` is true when this call moved the hold's end; false when the hold already
 * lasts at least the grace (nothing consumed) or used its one extension before. A hold that is no longer HELD, or
 * whose time ran out on the gate's clock (`LAPSED`: the sweep will release it), cannot be extended.
 */
export type HoldExtension =
  | { readonly ok: true; readonly holdUntil: Date; readonly extended: boolean }
  | { readonly ok: false; readonly state: Exclude<HoldState, 'HELD'> | 'LAPSED' | 'UNKNOWN' };

export interface StockSnapshot {
  readonly sku: string;
  readonly available: number;
  readonly held: number;
  readonly sold: number;
  /** Sum of all restocks: the invariant is restockedTotal = available + held + sold. */
  readonly restockedTotal: number;
}

export interface RestockResult {
  /** false when this opId was already applied. */
  readonly applied: boolean;
  readonly snapshot: StockSnapshot;
}

/**
 * The inventory gate. Every operation is atomic inside the adapter and idempotent per orderId / opId;
 * the per-customer limit is checked in the same atomic step as the hold.
 *
 * Bad input (qty ≤ 0 or not an integer, empty sku/orderId) throws `LimitedCartError('VALIDATION')`.
 * Reserving an unknown SKU (never restocked) is `NOT_ON_SALE`.
 */
export interface StockGate {
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  commit(orderId: string): Promise<HoldTransition>;
  release(orderId: string): Promise<HoldTransition>;
  /** Adds stock; creates the SKU on first restock. qty must be a positive integer. */
  restock(sku: string, qty: number, opId: string): Promise<RestockResult>;
  /** null for an unknown SKU. */
  snapshot(sku: string): Promise<StockSnapshot | null>;
  /**
   * Releases every hold whose holdUntil ≤ now, "now" read from the gate's own clock: its ledger's (the database's
   * `now()`, Redis's `TIME`, an injected `Clock` for in-process gates), never the caller's. A sweeping worker whose
   * clock runs ahead would otherwise release holds early and sell their units twice over. Returns the order ids
   * released.
   */
  expire(): Promise<string[]>;
  /**
   * Optional: gives a live hold a last grace period, once. Atomically: when the hold is HELD, still live by the gate's
   * own clock, and ends sooner than `graceMs` from that clock, its end moves to gate-now + `graceMs` and it is marked
   * extended; an extended hold is never extended again. A hold that already lasts at least `graceMs` is left alone
   * (and keeps its extension). The end can so move at most `graceMs` past the hold's original end. `graceMs` is a
   * positive integer. Used when a payment starts, so a shopper paying at the last second is not refused.
   */
  extendHold?(orderId: string, graceMs: number): Promise<HoldExtension>;
  /** State of one order's hold, for reconciliation and tests. */
  holdState(orderId: string): Promise<HoldState | null>;
  /**
   * Optional: the rejection `reserve` would certainly give this request, when the gate already knows it without
   * a round trip (a SKU it just saw sold out), else null. Never a promise that a reservation would succeed. Lets a
   * caller answer a hopeless attempt before doing any other work for it (`placeOrder` then claims no
   * Idempotency-Key and counts no rate limit). Gates without such memory leave it out.
   */
  knownRejection?(probe: ReserveProbe): ReserveRejection | null;
  /** Optional: see `StockReconciliation`. Gates that are their own ledger leave it out. */
  reconcile?: StockReconciliation['reconcile'];
}
