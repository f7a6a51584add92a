import type { AuditEntry, AuditKind, NewAuditEntry } from '../domain/audit.js';
import type { Customer, NewCustomer, Role } from '../domain/customer.js';
import type { DomainEvent } from '../domain/events.js';
import type { Money } from '../domain/money.js';
import type { NewOrder, Order, OrderStatus } from '../domain/order.js';
import type { NewPayment, Payment, PaymentStatus } from '../domain/payment.js';
import type { NewProduct, Product, ProductPatch } from '../domain/product.js';
import type { CorePorts } from './core-ports.js';

export interface Page<T> {
  readonly items: readonly T[];
  readonly page: number;
  readonly size: number;
  readonly total: number;
}

export interface PageRequest {
  /** 0-based. */
  readonly page: number;
  readonly size: number;
}

export interface ProductStore {
  create(product: NewProduct): Promise<Product>;
  get(id: string): Promise<Product | null>;
  /** null when the product does not exist. */
  update(id: string, patch: ProductPatch): Promise<Product | null>;
  /** Soft delete: archived products are hidden from shoppers but kept for orders. */
  archive(id: string): Promise<Product | null>;
  list(query: PageRequest & { readonly includeInactive?: boolean }): Promise<Page<Product>>;
  /** Every product (for search indexing and seeding checks). */
  all(): Promise<readonly Product[]>;
}

export interface CustomerStore {
  /** Throws LimitedCartError('CONFLICT') when the email (case-insensitive) exists. */
  create(customer: NewCustomer): Promise<Customer>;
  get(id: string): Promise<Customer | null>;
  getByEmail(email: string): Promise<Customer | null>;
  /**
   * Replaces the account's roles and raises its `sessionVersion` by one, atomically refusing (`LAST_ADMIN`) to take ADMIN from the last account holding it:
   * of concurrent calls demoting the last admins, at least one admin is left whatever their interleaving.
   */
  setRoles(id: string, roles: readonly Role[]): Promise<SetRolesResult>;
  /** Replaces the password hash (a reset); null when the account does not exist. */
  setPasswordHash(id: string, passwordHash: string): Promise<Customer | null>;
  /** Sets `disabled` and raises `sessionVersion` by one; null for an unknown id. */
  setDisabled(id: string, disabled: boolean): Promise<Customer | null>;
  list(query: CustomerQuery): Promise<Page<Customer>>;
  countByRole(): Promise<Record<Role, number>>;
}

export interface CustomerQuery extends PageRequest {
  /** Only accounts whose email contains this text, in any case (a search box: `ali`, `@example.com`). */
  readonly email?: string;
}

export type SetRolesResult =
  | { readonly ok: true; readonly customer: Customer; readonly previousRoles: readonly Role[] }
  | { readonly ok: false; readonly reason: 'NOT_FOUND' | 'LAST_ADMIN' };

export interface AuditQuery extends PageRequest {
  readonly kind?: AuditKind;
  /** Only the entries about this customer or product. */
  readonly subject?: string;
}

/** The audit log: append-only, read newest first. */
export interface AuditStore {
  /** Records the entries in order; an id already recorded is skipped (a retried operation is recorded once). */
  append(entries: readonly NewAuditEntry[]): Promise<void>;
  /** Newest first (the order entries were appended in); `total` counts the entries matching the filters. */
  list(query: AuditQuery): Promise<Page<AuditEntry>>;
}

export type TransitionResult =
  | { readonly ok: true; readonly order: Order }
  | { readonly ok: false; readonly reason: 'NOT_FOUND' }
  | { readonly ok: false; readonly reason: 'ILLEGAL_TRANSITION'; readonly current: OrderStatus };

export interface OrderQuery extends PageRequest {
  readonly customerId?: string;
  /** Orders of any of these customers (an empty list matches none); with `customerId`, both must hold. */
  readonly customerIds?: readonly string[];
  readonly status?: OrderStatus;
  readonly productId?: string;
}

export interface OrderStore {
  /** Throws LimitedCartError('CONFLICT') when the id exists. */
  create(order: NewOrder): Promise<Order>;
  get(id: string): Promise<Order | null>;
  /**
   * Conditional transition: applied only if the current status may move to `to` (domain/order.ts).
   * Moving to the status the order already has is reported as ILLEGAL_TRANSITION with that current status,
   * which callers treat as "already done".
   */
  transition(id: string, to: OrderStatus, reason?: string | null): Promise<TransitionResult>;
  /**
   * Records a later end of the order's stock hold (the gate extended it): applied only while the order is open
   * (PENDING, PAYMENT_PENDING) and only forward (`holdUntil` later than the stored one). Returns the order as stored
   * after the call, changed or not; null for an unknown order.
   */
  extendHold(id: string, holdUntil: Date): Promise<Order | null>;
  list(query: OrderQuery): Promise<Page<Order>>;
  countByStatus(): Promise<Record<OrderStatus, number>>;
  /** Sum of the totals of CONFIRMED orders, one entry per currency (in its minor units), largest amount first. */
  confirmedRevenue(): Promise<readonly Money[]>;
}

export interface PaymentStore {
  /**
   * Creates an INITIATED payment. Throws LimitedCartError('CONFLICT') when the id or token exists, or when the order
   * already has an open payment (INITIATED or ERROR): one payable link per order, enforced atomically by the store so
   * that concurrent callers on several replicas cannot open two.
   */
  create(payment: NewPayment): Promise<Payment>;
  get(id: string): Promise<Payment | null>;
  getByToken(token: string): Promise<Payment | null>;
  listByOrder(orderId: string): Promise<readonly Payment[]>;
  /** Conditional: applied only when the current status is one of `from`; returns null otherwise. */
  setStatus(
    id: string,
    from: readonly PaymentStatus[],
    to: PaymentStatus,
    fields?: { readonly gatewayReference?: string | null; readonly failureReason?: string | null },
  ): Promise<Payment | null>;
}

export interface IdempotencyRecord {
  readonly scope: string;
  readonly key: string;
  /** Hash of the request body: same key with another body is a mismatch (HTTP 422). */
  readonly requestHash: string;
  readonly response: { readonly status: number; readonly body: unknown } | null;
  readonly createdAt: Date;
}

export interface IdempotencyStore {
  /** The key's record (in flight or completed), or null; reads only. */
  find(scope: string, key: string): Promise<IdempotencyRecord | null>;
  /**
   * Claims the key atomically. Returns `claimed: true` for the first caller; later callers get the existing
   * record (its response is null while the first request is still in flight).
   */
  claim(scope: string, key: string, requestHash: string): Promise<
    { readonly claimed: true } | { readonly claimed: false; readonly record: IdempotencyRecord }
  >;
  complete(scope: string, key: string, response: { readonly status: number; readonly body: unknown }): Promise<void>;
  /** Frees an in-flight claim whose request ended without a response worth replaying; a completed key is kept. */
  abandon(scope: string, key: string): Promise<void>;
  /**
   * Takes over an in-flight claim made at least `staleAfterMs` ago by the store's own clock: its request's process
   * died before completing or abandoning it, and without this the key would refuse every retry for ever. true when
   * this call took it over (the claim is then the caller's, dated now, keeping its request hash); false for a
   * completed, fresh or unknown key. Of concurrent callers at most one takes it over.
   */
  reclaim(scope: string, key: string, staleAfterMs: number): Promise<boolean>;
}

export interface OutboxRecord {
  /** Monotonic position in the outbox. */
  readonly position: number;
  readonly event: DomainEvent;
}

/** The transactional outbox: events appended in the same transaction as the state change they describe. */
export interface OutboxStore {
  append(events: readonly DomainEvent[]): Promise<void>;
  /** Oldest unshipped events, claimed for `leaseMs` so concurrent relays do not ship the same rows. */
  claimUnshipped(limit: number, leaseMs: number): Promise<readonly OutboxRecord[]>;
  markShipped(positions: readonly number[]): Promise<void>;
}

/** Stores bound to one transaction. */
export interface TransactionalStores {
  readonly orders: OrderStore;
  readonly payments: PaymentStore;
  readonly products: ProductStore;
  readonly outbox: OutboxStore;
  /** Audit entries of the changes made in the same transaction. */
  readonly audit: AuditStore;
}

/**
 * Runs `work` in one database transaction: everything it writes through `stores` commits together or not
 * at all. This is how an order row and its `order.placed` event commit atomically.
 */
export interface UnitOfWork {
  run<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T>;
  /**
   * Creates the PENDING order and appends its events atomically: what `run` does with `orders.create` and
   * `outbox.append`, as one call, so that a backend may commit concurrent calls in one transaction (a drop
   * accepts hundreds of orders a second; each then shares one commit and one log flush). Resolves once the order
   * is durable. Throws LimitedCartError('CONFLICT') when the id exists, and then appends none of `events`; one
   * call's failure never fails another's.
   */
  createOrder(order: NewOrder, events: readonly DomainEvent[]): Promise<Order>;
  /**
   * Moves the order as `orders.transition` does and, only when it moved, appends the events `announce` builds from
   * the moved order, atomically: what `run` does with `orders.transition` and `outbox.append`, as one call, so that
   * a backend may commit concurrent calls together (the sagas of a drop move hundreds of orders a second). Resolves
   * once durable; one call's failure never fails another's, and of concurrent calls on one order each sees the
   * outcome of those before it.
   */
  transitionOrder(
    id: string,
    to: OrderStatus,
    reason: string | null,
    announce: (order: Order) => readonly DomainEvent[],
  ): Promise<TransitionResult>;
  /**
   * Replaces an account's roles as `customers.setRoles` does (refusing to take ADMIN from the last admin) and, only
   * when they were replaced, appends the audit entries `record` builds from the outcome, atomically: a role change is
   * never committed without its entries. Accounts are not among `TransactionalStores` (a customer store need not be
   * transactional for anything else), so this is the one transactional write of them.
   */
  changeRoles(
    id: string,
    roles: readonly Role[],
    record: (changed: Extract<SetRolesResult, { ok: true }>) => readonly NewAuditEntry[],
  ): Promise<SetRolesResult>;
}

/** Records which events a consumer group has handled, so handlers act once per event id. */
export interface ProcessedEventStore {
  /** true when this call marked it (first time); false when it was already marked. */
  markProcessed(group: string, eventId: string): Promise<boolean>;
  unmark(group: string, eventId: string): Promise<void>;
}

/** Every store of one backend, as adapters hand them to the engine and the store kits. */
export type StoreSet = Pick<
  CorePorts,
  'products' | 'customers' | 'orders' | 'payments' | 'idempotency' | 'outbox' | 'processedEvents' | 'unitOfWork' | 'audit'
>;
