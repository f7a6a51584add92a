import type { InjectionToken } from 'tsyringe';
import type { EventBus } from './event-bus.js';
import type { SagaRunner } from './saga-runner.js';
import type { Clock, Logger, PaymentGateway, PriceCache, SearchIndex } from './small-ports.js';
import type { StockGate } from './stock-gate.js';
import type {
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
 * Typed DI tokens. Symbols, not strings, so two plugins cannot collide by accident; the phantom type
 * makes `container.resolve(TOKENS.stockGate)` return a `StockGate`.
 */
const token = <T>(name: string): InjectionToken<T> & symbol => Symbol.for(`limitedcart.${name}`) as InjectionToken<T> & symbol;

export const TOKENS = {
  stockGate: token<StockGate>('stockGate'),
  sagaRunner: token<SagaRunner>('sagaRunner'),
  eventBus: token<EventBus>('eventBus'),
  products: token<ProductStore>('products'),
  customers: token<CustomerStore>('customers'),
  orders: token<OrderStore>('orders'),
  payments: token<PaymentStore>('payments'),
  idempotency: token<IdempotencyStore>('idempotency'),
  outbox: token<OutboxStore>('outbox'),
  processedEvents: token<ProcessedEventStore>('processedEvents'),
  unitOfWork: token<UnitOfWork>('unitOfWork'),
  paymentGateway: token<PaymentGateway>('paymentGateway'),
  searchIndex: token<SearchIndex>('searchIndex'),
  priceCache: token<PriceCache>('priceCache'),
  clock: token<Clock>('clock'),
  logger: token<Logger>('logger'),
} as const;
