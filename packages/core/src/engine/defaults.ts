import { createMemoryAdmissionQueue } from '../memory/admission-queue.js';
import { createSystemClock } from '../memory/clock.js';
import { createMemoryEventBus } from '../memory/event-bus.js';
import { createConsoleLogger } from '../memory/logger.js';
import { createMemoryPaymentGateway } from '../memory/payment-gateway.js';
import { createMemoryPriceCache } from '../memory/price-cache.js';
import { createMemoryQueueSettingsStore } from '../memory/queue-settings.js';
import { createMemoryRateLimiter } from '../memory/rate-limiter.js';
import { createMemorySagaRunner } from '../memory/saga-runner.js';
import { createMemorySearchIndex } from '../memory/search-index.js';
import { createMemorySessionStore } from '../memory/session-store.js';
import { createMemoryStockGate } from '../memory/stock-gate.js';
import { createMemoryStores } from '../memory/stores/create-memory-stores.js';
import type { StoreSet } from '../ports/stores.js';
import { createOrderSagaActivities } from '../saga-activities.js';
import type { EngineAdapters, FactoryProvider } from './plugin.js';

/**
 * The in-memory implementation of every port: what an engine uses for any port nobody registered, so
 * `createEngine()` with no options is a complete single-process engine. Factories, so only the ports that
 * nobody replaced are built. The stores share one memory database (their unit of work spans them all).
 */
export function memoryDefaults(): EngineAdapters {
  let stores: StoreSet | undefined;
  const store = <K extends keyof StoreSet>(key: K): FactoryProvider<StoreSet[K]> => ({
    useFactory: ({ ports }) => {
      stores ??= createMemoryStores({ clock: ports.clock });
      return stores[key];
    },
  });
  return {
    clock: { useFactory: () => createSystemClock() },
    logger: { useFactory: () => createConsoleLogger() },
    products: store('products'),
    customers: store('customers'),
    orders: store('orders'),
    payments: store('payments'),
    idempotency: store('idempotency'),
    outbox: store('outbox'),
    processedEvents: store('processedEvents'),
    unitOfWork: store('unitOfWork'),
    audit: store('audit'),
    sessions: { useFactory: ({ ports }) => createMemorySessionStore({ clock: ports.clock }) },
    priceCache: { useFactory: () => createMemoryPriceCache() },
    rateLimiter: { useFactory: () => createMemoryRateLimiter() },
    admissionQueue: { useFactory: ({ ports }) => createMemoryAdmissionQueue({ clock: ports.clock }) },
    queueSettings: { useFactory: () => createMemoryQueueSettingsStore() },
    searchIndex: { useFactory: () => createMemorySearchIndex() },
    paymentGateway: { useFactory: () => createMemoryPaymentGateway() },
    stockGate: { useFactory: ({ ports }) => createMemoryStockGate({ clock: ports.clock }) },
    eventBus: { useFactory: ({ ports }) => createMemoryEventBus({ logger: ports.logger }) },
    sagaRunner: {
      useFactory: ({ ports }) =>
        createMemorySagaRunner({
          activities: createOrderSagaActivities(ports),
          clock: ports.clock,
          logger: ports.logger,
        }),
    },
  };
}
