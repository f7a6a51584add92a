import type { AdmissionQueue } from './admission-queue.js';
import type { EventBus } from './event-bus.js';
import type { QueueSettingsStore } from './queue-settings.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SagaRunner } from './saga-runner.js';
import type { SessionStore } from './session-store.js';
import type { Clock, Logger, PaymentGateway, PriceCache, SearchIndex } from './small-ports.js';
import type { StockGate } from './stock-gate.js';
import type {
  AuditStore,
  CustomerStore,
  IdempotencyStore,
  OrderStore,
  OutboxStore,
  PaymentStore,
  ProcessedEventStore,
  ProductStore,
  UnitOfWork,
} from './stores.js';

/**
 * Every port the engine wires, by name: the one list `TOKENS` and `StoreSet` are derived from. Use cases
 * take a `Pick` of it, so a caller (or a test) hands each use case exactly the ports it touches.
 */
export interface CorePorts {
  readonly stockGate: StockGate;
  readonly sagaRunner: SagaRunner;
  readonly eventBus: EventBus;
  readonly products: ProductStore;
  readonly customers: CustomerStore;
  readonly sessions: SessionStore;
  readonly orders: OrderStore;
  readonly payments: PaymentStore;
  readonly idempotency: IdempotencyStore;
  readonly outbox: OutboxStore;
  readonly processedEvents: ProcessedEventStore;
  readonly unitOfWork: UnitOfWork;
  readonly audit: AuditStore;
  readonly paymentGateway: PaymentGateway;
  readonly searchIndex: SearchIndex;
  readonly priceCache: PriceCache;
  readonly rateLimiter: RateLimiter;
  readonly admissionQueue: AdmissionQueue;
  readonly queueSettings: QueueSettingsStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

export type PortName = keyof CorePorts;
