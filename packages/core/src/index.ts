/**
 * `@limitedcart/core`: the engine, its plugin API, the domain, the ports adapters implement and the use cases.
 * In-memory adapters are in `@limitedcart/core/memory`, the order saga for runner authors in
 * `@limitedcart/core/saga`, the conformance kits in `@limitedcart/core/testing`.
 *
 * tsyringe, the engine's DI container, needs a Reflect metadata polyfill: importing this package loads
 * `reflect-metadata`, which adds `Reflect.defineMetadata`/`Reflect.getMetadata` to the global `Reflect`.
 */


// Domain
export { AUDIT_KINDS, type AuditEntry, type AuditKind, type NewAuditEntry } from './domain/audit.js';
export { type Customer, type NewCustomer, normalizeEmail, ROLES, type Role } from './domain/customer.js';
export { isLimitedCartError, LimitedCartError, type LimitedCartErrorCode, notFound, validationError } from './domain/errors.js';
export type { AccountChangedPayload, DomainEvent, OrderPlacedPayload, OrderProgressPayload, ProductChangedPayload } from './domain/events.js';
export { TOPICS } from './domain/events.js';
export { newId } from './domain/ids.js';
export {
  type CurrencyCode,
  formatMoney,
  isCurrencyCode,
  MAX_MONEY_AMOUNT,
  type Money,
  minorUnits,
  money,
  multiply,
  toMajorUnits,
} from './domain/money.js';
export {
  allowedSources,
  canTransition,
  isCancellable,
  isTerminal,
  type NewOrder,
  ORDER_STATUSES,
  type Order,
  type OrderStatus,
  type TerminalOrderStatus,
} from './domain/order.js';
export { type NewPayment, PAYMENT_STATUSES, type Payment, type PaymentStatus } from './domain/payment.js';
export { isOnSale, type NewProduct, type Product, type ProductPatch } from './domain/product.js';
export {
  DEFAULT_ENGINE_CONFIG,
  ENGINE_ROLES,
  type EngineConfig,
  type EngineConfigInput,
  type EngineRole,
  type OrderRateLimits,
} from './engine/config.js';
// Engine and plugin API
export { createEngine, SAGA_STARTER_GROUP } from './engine/create-engine.js';
export type { Engine, EngineHealth, EngineOptions, EngineState, EventHandledReport } from './engine/engine.js';
export {
  type Decorator,
  definePlugin,
  defineToken,
  type EngineAdapters,
  type FactoryDeps,
  type FactoryProvider,
  type HealthCheck,
  type LifecycleHook,
  type Plugin,
  type PluginContext,
  type PluginEventHandler,
  type PluginSubscribeOptions,
  type Registration,
  type Token,
} from './engine/plugin.js';
export type { EngineUseCases } from './engine/use-cases.js';
export { accountChangedEvent, EVENT_TYPES, type EventType, orderHoldExtendedEvent, orderPaymentFailedEvent, orderProgressEvent, type PaymentFailureNote } from './events/builders.js';
export { oncePerEvent } from './events/once-per-event.js';
export { createMemoryQueueSettingsStore } from './memory/queue-settings.js';
// Ports
export {
  ADMISSION_QUEUE_MODES,
  type Admission,
  type AdmissionEntry,
  type AdmissionEntryState,
  type AdmissionQueue,
  type AdmissionQueueMode,
  type AdmissionQueueSettings,
  type AdmissionQueueState,
  type AdmissionQueueStatus,
  type AdmitRequest,
  type AdmitResult,
  admissionQueueInput,
  type JoinQueueResult,
} from './ports/admission-queue.js';
export type { CorePorts, PortName } from './ports/core-ports.js';
export type { ConsumerLag, EventBus, EventHandler, SubscribeOptions, Subscription } from './ports/event-bus.js';
export { forwardLifecycle, type HealthReport, type HealthStatus, type Lifecycle } from './ports/lifecycle.js';
export { type AddressEntries, DEFAULT_DROP_QUEUE_POLICY, type DropQueuePolicy, type QueueSettingsStore } from './ports/queue-settings.js';
export type { RateLimitDecision, RateLimiter } from './ports/rate-limiter.js';
export type {
  OrderSagaInput,
  SagaDescription,
  SagaRunner,
  SagaSignal,
  SagaSignalType,
  SagaStatus,
  SignalResult,
} from './ports/saga-runner.js';
export {
  isSessionLive,
  type NewSession,
  type RotateOptions,
  type RotateResult,
  type Session,
  type SessionRevocation,
  type SessionStore,
} from './ports/session-store.js';
export {
  type CardDetails,
  type ChargeResult,
  type Clock,
  type Logger,
  type PaymentGateway,
  type PriceCache,
  type PricedProduct,
  type SearchHit,
  type SearchIndex,
  toPricedProduct,
} from './ports/small-ports.js';
export type {
  HoldExtension,
  HoldState,
  HoldTransition,
  ReserveProbe,
  ReserveRejection,
  ReserveRequest,
  ReserveResult,
  RestockResult,
  StockGate,
  StockSnapshot,
} from './ports/stock-gate.js';
export type { SkuStockState, StockHoldRecord, StockLedgerReader } from './ports/stock-ledger.js';
export type { ReconciliationReport, SkuReconciliation, StockReconciliation } from './ports/stock-reconciliation.js';
export type {
  AuditQuery,
  AuditStore,
  CustomerQuery,
  CustomerStore,
  IdempotencyRecord,
  IdempotencyStore,
  OrderQuery,
  OrderStore,
  OutboxRecord,
  OutboxStore,
  Page,
  PageRequest,
  PaymentStore,
  ProcessedEventStore,
  ProductStore,
  SetRolesResult,
  StoreSet,
  TransactionalStores,
  TransitionResult,
  UnitOfWork,
} from './ports/stores.js';
export { type PortToken, TOKENS } from './ports/tokens.js';
export { type LocalPriceCacheOptions, withLocalPriceCache } from './pricing/local-price-cache.js';
export { type AdmissionCheck, type AdmissionRefusal, createAdmissionCheck } from './queue/admission-check.js';
export { type AdmissionRounds, createAdmissionRounds } from './queue/admission-rounds.js';
// Building blocks for adapters and plugins
export {
  type AdmissionTokenClaims,
  type AdmissionTokenOptions,
  type AdmissionTokenRejection,
  type AdmissionTokenResult,
  type AdmissionTokens,
  createAdmissionTokens,
} from './queue/admission-tokens.js';
export {
  type ConfigureDropQueueInput,
  type DropQueueAdminView,
  type DropQueueView,
  type JoinDropQueueInput,
  type JoinDropQueueResult,
  MAX_PROOF_OF_WORK_DIFFICULTY,
  type QueueShopperInput,
  type QueueTicket,
} from './queue/drop-queue.js';
export { estimateWaitSeconds, nextPollSeconds } from './queue/estimates.js';
export {
  type AdmittedShopper,
  type AdmitterRound,
  createQueueAdmitter,
  type QueueAdmitter,
  type QueueAdmitterOptions,
  type QueuedDrop,
} from './queue/queue-admitter.js';
export { QUEUE_NOTICE_TYPES, QUEUE_ROUND_EVENT, type QueueNoticeType, type QueueRound, type QueueRoundPayload, queueRoundEvents } from './queue/queue-events.js';
export { createQueueNotices, type QueueNotice, type QueueNotices, type QueueNoticesOptions } from './queue/queue-notices.js';
export { createOrderSagaActivities, type OrderSagaActivityPorts } from './saga-activities.js';
export { type SoldOutCacheOptions, withSoldOutCache } from './stock/sold-out-cache.js';
export type { ArchiveProductInput } from './use-cases/archive-product.js';
export type { CancelOrderInput, CancelOrderResult } from './use-cases/cancel-order.js';
export type { CatalogueEntry } from './use-cases/catalogue-entry.js';
export type { CreateProductInput } from './use-cases/create-product.js';
export type { ExpireHoldsResult } from './use-cases/expire-holds.js';
export type { BusinessMetrics, StockTotals } from './use-cases/get-business-metrics.js';
export { stockTotals } from './use-cases/get-business-metrics.js';
export type { GetOrderInput, OrderDetail } from './use-cases/get-order.js';
export type { GetPaymentInput } from './use-cases/get-payment.js';
export type { PaymentLinkView } from './use-cases/get-payment-link.js';
export type { GetProductInput } from './use-cases/get-product.js';
export type { StockSummaryLine } from './use-cases/get-stock-summary.js';
export type { PaymentOutcome, PaymentResultInput, PaymentResultOutcome } from './use-cases/handle-payment-result.js';
export type { InitiatePaymentInput, InitiatePaymentResult } from './use-cases/initiate-payment.js';
export type { ListAuditEntriesInput } from './use-cases/list-audit-entries.js';
// Use cases: inputs and results (the functions are `engine.useCases`)
export type { ListCustomersInput } from './use-cases/list-customers.js';
export { type ListOrdersInput, MAX_EMAIL_MATCHES } from './use-cases/list-orders.js';
export type { StaffOrder } from './use-cases/list-staff-orders.js';
export type { ListProductsInput } from './use-cases/list-products.js';
export { authorize, PERMISSIONS, type Permission } from './use-cases/permissions.js';
export type { PlaceOrderInput, PlaceOrderRejection, PlaceOrderResult } from './use-cases/place-order.js';
export { customerLimit } from './use-cases/place-order.js';
export { type Actor, isAdmin } from './use-cases/ports.js';
export type { ProcessPaymentInput, ProcessPaymentResult } from './use-cases/process-payment.js';
export type { ProductInput, ProductPatchInput } from './use-cases/product-input.js';
export type { ReconcileStockInput } from './use-cases/reconcile-stock.js';
export type { RestockInput, RestockOutcome } from './use-cases/restock.js';
export type { SearchProductsInput } from './use-cases/search-products.js';
export type { SetCustomerDisabledInput } from './use-cases/set-customer-disabled.js';
export type { SetCustomerRolesInput, SetCustomerRolesResult } from './use-cases/set-customer-roles.js';
export type { StartSagaResult } from './use-cases/start-saga-for-placed-order.js';
export type { UpdateProductInput } from './use-cases/update-product.js';
