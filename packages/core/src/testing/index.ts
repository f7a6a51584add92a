/**
 * `@limitedcart/core/testing`: one conformance kit per port, which every implementation runs against its real
 * backend (vitest), and the helpers the kits use. A case an implementation cannot meet is skipped by name, with a
 * reason (`{ skip: { 'case name': 'why' } }`).
 */
export {
  ADMISSION_QUEUE_CASES,
  type AdmissionQueueCase,
  type AdmissionQueueKitEnvironment,
  type AdmissionQueueKitTarget,
  describeAdmissionQueueContract,
  type MakeAdmissionQueue,
} from './admission-queue-contract.js';
export {
  describeEventBusContract,
  EVENT_BUS_CASES,
  type EventBusCase,
  type EventBusKitTarget,
  type MakeEventBus,
} from './event-bus-contract.js';
export {
  describeQueueSettingsContract,
  type MakeQueueSettingsStore,
  QUEUE_SETTINGS_CASES,
  type QueueSettingsCase,
  type QueueSettingsKitTarget,
} from './queue-settings-contract.js';
export {
  describeRateLimiterContract,
  type MakeRateLimiter,
  RATE_LIMITER_CASES,
  type RateLimiterCase,
  type RateLimiterKitTarget,
} from './rate-limiter-contract.js';
export { reserveRequest, uniqueId } from './reserve-request.js';
export {
  type ActivityCall,
  type ActivityFault,
  createSagaKitWorld,
  type HeldOrder,
  type PlaceHeldOrderOptions,
  type SagaKitWorld,
  type SagaKitWorldOptions,
} from './saga-kit-world.js';
export {
  describeSagaRunnerContract,
  SAGA_RUNNER_CASES,
  type SagaRunnerCase,
  type SagaRunnerContractOptions,
  type SagaRunnerFixture,
} from './saga-runner-contract.js';
export {
  describeSessionStoreContract,
  type MakeSessionStore,
  SESSION_STORE_CASES,
  type SessionStoreCase,
  type SessionStoreKitTarget,
} from './session-store-contract.js';
export {
  assertStockInvariant,
  describeStockGateContract,
  STOCK_GATE_CASES,
  type StockGateCase,
  type StockGateContractOptions,
  type StockGateFixture,
  type StockGateKitEnvironment,
} from './stock-gate-contract.js';
export { AUDIT_STORE_CASES, type AuditStoreCase, describeAuditStoreContract } from './store-contracts/audit-store-contract.js';
export type { ContractOptions } from './store-contracts/cases.js';
export { describeCustomerStoreContract } from './store-contracts/customer-store-contract.js';
export type { MakeStores, StoreKitTarget } from './store-contracts/fixtures.js';
export { describeIdempotencyStoreContract } from './store-contracts/idempotency-store-contract.js';
export { describeStoreContracts, STORE_CONTRACT_CASES, type StoreContractCase } from './store-contracts/index.js';
export { describeOrderStoreContract } from './store-contracts/order-store-contract.js';
export { describeOutboxStoreContract } from './store-contracts/outbox-store-contract.js';
export { describePaymentStoreContract } from './store-contracts/payment-store-contract.js';
export { describeProcessedEventStoreContract } from './store-contracts/processed-event-store-contract.js';
export { describeProductStoreContract } from './store-contracts/product-store-contract.js';
export { describeUnitOfWorkContract } from './store-contracts/unit-of-work-contract.js';
export { waitFor } from './wait-for.js';
