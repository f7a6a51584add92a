import type { InjectionToken } from 'tsyringe';
import type { CorePorts, PortName } from './core-ports.js';

/** The DI token of port `K`: resolving it yields that port's type. */
export type PortToken<K extends PortName> = InjectionToken<CorePorts[K]> & symbol;

/**
 * Typed DI tokens. Symbols, not strings, so two plugins cannot collide by accident; the phantom type
 * makes `container.resolve(TOKENS.stockGate)` return a `StockGate`.
 */
const token = <K extends PortName>(name: K): PortToken<K> => Symbol.for(`limitedcart.${name}`) as PortToken<K>;

export const TOKENS: { readonly [K in PortName]: PortToken<K> } = {
  stockGate: token('stockGate'),
  sagaRunner: token('sagaRunner'),
  eventBus: token('eventBus'),
  products: token('products'),
  customers: token('customers'),
  sessions: token('sessions'),
  orders: token('orders'),
  payments: token('payments'),
  idempotency: token('idempotency'),
  outbox: token('outbox'),
  processedEvents: token('processedEvents'),
  unitOfWork: token('unitOfWork'),
  audit: token('audit'),
  paymentGateway: token('paymentGateway'),
  searchIndex: token('searchIndex'),
  priceCache: token('priceCache'),
  rateLimiter: token('rateLimiter'),
  admissionQueue: token('admissionQueue'),
  queueSettings: token('queueSettings'),
  clock: token('clock'),
  logger: token('logger'),
};
