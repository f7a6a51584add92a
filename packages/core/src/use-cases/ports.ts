import type { Role } from '../domain/customer.js';
import type { EventBus } from '../ports/event-bus.js';
import type { SagaRunner } from '../ports/saga-runner.js';
import type { Clock, Logger, PaymentGateway, PriceCache, SearchIndex } from '../ports/small-ports.js';
import type { StockGate } from '../ports/stock-gate.js';
import type {
  CustomerStore,
  IdempotencyStore,
  OrderStore,
  OutboxStore,
  PaymentStore,
  ProcessedEventStore,
  ProductStore,
  UnitOfWork,
} from '../ports/stores.js';

/**
 * Every port the engine wires, keyed like `TOKENS`. Use cases take a `Pick` of it, so a caller (or a test)
 * hands each use case exactly the ports it touches.
 */
export interface CorePorts {
  readonly stockGate: StockGate;
  readonly sagaRunner: SagaRunner;
  readonly eventBus: EventBus;
  readonly products: ProductStore;
  readonly customers: CustomerStore;
  readonly orders: OrderStore;
  readonly payments: PaymentStore;
  readonly idempotency: IdempotencyStore;
  readonly outbox: OutboxStore;
  readonly processedEvents: ProcessedEventStore;
  readonly unitOfWork: UnitOfWork;
  readonly paymentGateway: PaymentGateway;
  readonly searchIndex: SearchIndex;
  readonly priceCache: PriceCache;
  readonly clock: Clock;
  readonly logger: Logger;
}

export type PortName = keyof CorePorts;

/** Who is acting, as the HTTP layer authenticated them. */
export interface Actor {
  readonly customerId: string;
  readonly roles: readonly Role[];
}

export const isAdmin = (actor: Actor): boolean => actor.roles.includes('ADMIN');
