import { randomBytes } from 'node:crypto';
import type { AuditEntry } from '../domain/audit.js';
import type { Customer } from '../domain/customer.js';
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import type { Payment } from '../domain/payment.js';
import type { Product } from '../domain/product.js';
import type { CorePorts } from '../ports/core-ports.js';
import { DEFAULT_DROP_QUEUE_POLICY } from '../ports/queue-settings.js';
import type { ReconciliationReport } from '../ports/stock-reconciliation.js';
import type { Page } from '../ports/stores.js';
import { createAdmissionCheck } from '../queue/admission-check.js';
import { type AdmissionRounds, createAdmissionRounds } from '../queue/admission-rounds.js';
import { type AdmissionTokens, createAdmissionTokens } from '../queue/admission-tokens.js';
import {
  type ConfigureDropQueueInput,
  configureDropQueue,
  type DropQueueAdminView,
  type DropQueueView,
  getDropQueue,
  getDropQueueAdmin,
  getQueueTicket,
  type JoinDropQueueInput,
  type JoinDropQueueResult,
  joinDropQueue,
  leaveDropQueue,
  type QueueShopperInput,
  type QueueTicket,
} from '../queue/drop-queue.js';
import { createSharedReads } from '../queue/shared-reads.js';
import { type ArchiveProductInput, archiveProduct } from '../use-cases/archive-product.js';
import { type CancelOrderInput, type CancelOrderResult, cancelOrder } from '../use-cases/cancel-order.js';
import type { CatalogueEntry } from '../use-cases/catalogue-entry.js';
import { type CreateProductInput, createProduct } from '../use-cases/create-product.js';
import { type ExpireHoldsResult, expireHolds } from '../use-cases/expire-holds.js';
import { getAccount } from '../use-cases/get-account.js';
import { type BusinessMetrics, getBusinessMetrics } from '../use-cases/get-business-metrics.js';
import { type GetOrderInput, getOrder, getOrderDetail, type OrderDetail } from '../use-cases/get-order.js';
import { type GetPaymentInput, getPayment } from '../use-cases/get-payment.js';
import { getPaymentLink, type PaymentLinkView } from '../use-cases/get-payment-link.js';
import { type GetProductInput, getProduct } from '../use-cases/get-product.js';
import { getStockSummary, type StockSummaryLine } from '../use-cases/get-stock-summary.js';
import { handlePaymentResult, type PaymentResultInput, type PaymentResultOutcome } from '../use-cases/handle-payment-result.js';
import { type InitiatePaymentInput, type InitiatePaymentResult, initiatePayment } from '../use-cases/initiate-payment.js';
import { type ListAuditEntriesInput, listAuditEntries } from '../use-cases/list-audit-entries.js';
import { type ListCustomersInput, listCustomers } from '../use-cases/list-customers.js';
import { type ListOrdersInput, listOrders } from '../use-cases/list-orders.js';
import { listStaffOrders, type StaffOrder } from '../use-cases/list-staff-orders.js';
import { type ListProductsInput, listProducts } from '../use-cases/list-products.js';
import { type PlaceOrderInput, type PlaceOrderResult, placeOrder } from '../use-cases/place-order.js';
import type { Actor } from '../use-cases/ports.js';
import { type ProcessPaymentInput, type ProcessPaymentResult, processPayment } from '../use-cases/process-payment.js';
import { type ReconcileStockInput, reconcileStock } from '../use-cases/reconcile-stock.js';
import { refreshCatalogueEntry } from '../use-cases/refresh-catalogue-entry.js';
import { reindexSearch } from '../use-cases/reindex-search.js';
import { type RestockInput, type RestockOutcome, restock } from '../use-cases/restock.js';
import { createSagaHeadStart } from '../use-cases/saga-head-start.js';
import { type SearchProductsInput, searchProducts } from '../use-cases/search-products.js';
import { type SetCustomerDisabledInput, setCustomerDisabled } from '../use-cases/set-customer-disabled.js';
import { type SetCustomerRolesInput, type SetCustomerRolesResult, setCustomerRoles } from '../use-cases/set-customer-roles.js';
import { type StartSagaResult, startSagaForPlacedOrder } from '../use-cases/start-saga-for-placed-order.js';
import { type UpdateProductInput, updateProduct } from '../use-cases/update-product.js';
import type { EngineConfig } from './config.js';

/** Every use case bound to the engine's ports and config: call them with their input only. */
export interface EngineUseCases {
  // Orders
  /** Holds stock and writes the order; its saga starts in the background (the request never waits for it). */
  placeOrder(input: PlaceOrderInput): Promise<PlaceOrderResult>;
  cancelOrder(input: CancelOrderInput): Promise<CancelOrderResult>;
  getOrder(input: GetOrderInput): Promise<Order>;
  /** The order with its payment attempts (the last one's failure, while the order waits for payment). */
  getOrderDetail(input: GetOrderInput): Promise<OrderDetail>;
  listOrders(input: ListOrdersInput): Promise<Page<Order>>;
  /** ADMIN: everyone's orders with each customer's email (same filters as `listOrders`). */
  listStaffOrders(input: ListOrdersInput): Promise<Page<StaffOrder>>;
  // Payments
  initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentResult>;
  processPayment(input: ProcessPaymentInput): Promise<ProcessPaymentResult>;
  handlePaymentResult(input: PaymentResultInput): Promise<PaymentResultOutcome>;
  getPayment(input: GetPaymentInput): Promise<Payment>;
  getPaymentLink(token: string): Promise<PaymentLinkView>;
  // Catalogue and stock
  createProduct(input: CreateProductInput): Promise<Product>;
  updateProduct(input: UpdateProductInput): Promise<Product>;
  archiveProduct(input: ArchiveProductInput): Promise<Product>;
  listProducts(input?: ListProductsInput): Promise<Page<CatalogueEntry>>;
  getProduct(input: GetProductInput): Promise<CatalogueEntry>;
  searchProducts(input: SearchProductsInput): Promise<Page<CatalogueEntry>>;
  restock(input: RestockInput): Promise<RestockOutcome>;
  getStockSummary(productIds?: readonly string[]): Promise<readonly StockSummaryLine[]>;
  reconcileStock(input: ReconcileStockInput): Promise<ReconciliationReport>;
  // Accounts and administration
  getAccount(actor: Actor): Promise<Customer>;
  listCustomers(input?: ListCustomersInput): Promise<Page<Customer>>;
  setCustomerRoles(input: SetCustomerRolesInput): Promise<SetCustomerRolesResult>;
  /** The audit log (role, product, price and stock changes), newest first. */
  listAuditEntries(input?: ListAuditEntriesInput): Promise<Page<AuditEntry>>;
  /** Locks (or unlocks) an account: its sessions end and its tokens are refused. */
  setCustomerDisabled(input: SetCustomerDisabledInput): Promise<Customer>;
  getBusinessMetrics(): Promise<BusinessMetrics>;
  // Waiting rooms of queued drops
  /** The public view of a drop's queue; null when it has none. */
  getDropQueue(productId: string): Promise<DropQueueView | null>;
  /** Joins the caller to a drop's line, once (see `joinDropQueue`). */
  joinDropQueue(input: JoinDropQueueInput): Promise<JoinDropQueueResult>;
  /** The caller's place in a drop's queue, with an admission token while admitted; null when not in it. */
  getQueueTicket(input: QueueShopperInput): Promise<QueueTicket | null>;
  leaveDropQueue(input: QueueShopperInput): Promise<QueueTicket | null>;
  /** Creates or changes a drop's queue and its policy (ADMIN). */
  configureDropQueue(input: ConfigureDropQueueInput): Promise<DropQueueAdminView>;
  getDropQueueAdmin(productId: string): Promise<DropQueueAdminView | null>;
  /** Signs an admission's token (what `queue.admitted` events carry). */
  issueAdmissionToken(admission: { readonly customerId: string; readonly dropId: string; readonly admittedUntil: Date }): Promise<string>;
  /**
   * The engine's time: the clock every `holdUntil`, payment deadline and sale start is set on (with `postgres()`, the
   * database's). Clients compute their clock offset from it.
   */
  now(): Date;
  // What the engine runs by itself (exposed for hosts that schedule them differently)
  expireHolds(): Promise<ExpireHoldsResult>;
  startSagaForPlacedOrder(event: DomainEvent): Promise<StartSagaResult>;
  refreshCatalogueEntry(event: DomainEvent): Promise<void>;
  reindexSearch(): Promise<{ readonly indexed: number }>;
  /** One admitter round per queued drop, published as `queue.round` events (the worker runs it periodically). */
  admitQueues(): ReturnType<AdmissionRounds['runAll']>;
}

/**
 * Binds the use cases to the engine's ports and config. The saga-start policy lives here, once: an accepted order's
 * saga gets a bounded background head start in this process (`config.sagaHeadStarts`), and the `order.placed`
 * subscriber, on every bus, is what guarantees it.
 */
export function bindUseCases(
  ports: CorePorts,
  config: EngineConfig,
): { readonly useCases: EngineUseCases; drainHeadStarts(): Promise<void> } {
  const headStart = createSagaHeadStart(ports, config.sagaHeadStarts);
  const tokens: AdmissionTokens = createAdmissionTokens({
    // Without a configured key, one of this engine: tokens then hold only in this process.
    key: config.admissionTokenKey ?? randomBytes(48).toString('base64url'),
    attempts: config.admissionAttempts,
    rateLimiter: ports.rateLimiter,
    clock: ports.clock,
  });
  const admission = createAdmissionCheck({ ...ports, tokens });
  const viewTtl = { ttlMs: config.queueViewCacheMs };
  const shopperReads = {
    status: createSharedReads((dropId) => ports.admissionQueue.status(dropId), viewTtl),
    policy: createSharedReads(async (dropId) => (await ports.queueSettings.get(dropId)) ?? DEFAULT_DROP_QUEUE_POLICY, viewTtl),
  };
  const queueDeps = { ...ports, tokens, shopperReads };
  const rounds = createAdmissionRounds(ports);
  const orderDeps = {
    ...ports,
    admission,
    settings: {
      paymentWindowMs: config.paymentWindowMs,
      rateLimits: config.orderRateLimits,
      staleClaimMs: config.staleClaimMs,
      unitCapPerCustomer: config.unitCapPerCustomer,
    },
  };
  const paymentDeps = { ...ports, paymentGraceMs: config.paymentGraceMs };
  const useCases: EngineUseCases = {
    async placeOrder(input) {
      const result = await placeOrder(orderDeps, input);
      if (result.ok && !result.replayed) {
        headStart.start(result.order);
        await admission.complete({ customerId: result.order.customerId, productId: result.order.productId });
      }
      return result;
    },
    cancelOrder: (input) => cancelOrder(ports, input),
    getOrder: (input) => getOrder(ports, input),
    getOrderDetail: (input) => getOrderDetail(ports, input),
    listOrders: (input) => listOrders(ports, input),
    listStaffOrders: (input) => listStaffOrders(ports, input),
    initiatePayment: (input) => initiatePayment(paymentDeps, input),
    processPayment: (input) => processPayment(paymentDeps, input),
    handlePaymentResult: (input) => handlePaymentResult(ports, input),
    getPayment: (input) => getPayment(ports, input),
    getPaymentLink: (token) => getPaymentLink(ports, token),
    createProduct: (input) => createProduct({ ...ports, defaultLimitPerCustomer: config.defaultLimitPerCustomer }, input),
    updateProduct: (input) => updateProduct(ports, input),
    archiveProduct: (input) => archiveProduct(ports, input),
    listProducts: (input) => listProducts(ports, input),
    getProduct: (input) => getProduct(ports, input),
    searchProducts: (input) => searchProducts(ports, input),
    restock: (input) => restock({ ...ports, staleClaimMs: config.staleClaimMs }, input),
    getStockSummary: (productIds) => getStockSummary(ports, productIds),
    reconcileStock: (input) => reconcileStock(ports, input),
    getAccount: (actor) => getAccount(ports, actor),
    listCustomers: (input) => listCustomers(ports, input),
    setCustomerRoles: (input) => setCustomerRoles(ports, input),
    listAuditEntries: (input) => listAuditEntries(ports, input),
    setCustomerDisabled: (input) => setCustomerDisabled(ports, input),
    getBusinessMetrics: () => getBusinessMetrics(ports),
    getDropQueue: (productId) => getDropQueue(queueDeps, productId),
    joinDropQueue: (input) => joinDropQueue(queueDeps, input),
    getQueueTicket: (input) => getQueueTicket(queueDeps, input),
    leaveDropQueue: (input) => leaveDropQueue(queueDeps, input),
    async configureDropQueue(input) {
      const view = await configureDropQueue(queueDeps, input);
      admission.invalidate(view.productId);
      shopperReads.status.forget(view.productId);
      shopperReads.policy.forget(view.productId);
      return view;
    },
    getDropQueueAdmin: (productId) => getDropQueueAdmin(queueDeps, productId),
    issueAdmissionToken: (input) => tokens.issue(input),
    admitQueues: () => rounds.runAll(),
    now: () => ports.clock.now(),
    expireHolds: () => expireHolds(ports),
    startSagaForPlacedOrder: (event) => startSagaForPlacedOrder(ports, event, { headStartsRun: config.sagaHeadStarts > 0 }),
    refreshCatalogueEntry: (event) => refreshCatalogueEntry(ports, event),
    reindexSearch: () => reindexSearch(ports),
  };
  return { useCases: Object.freeze(useCases), drainHeadStarts: () => headStart.drain() };
}
