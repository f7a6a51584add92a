/**
 * `@limitedcart/core/memory`: core's in-memory implementation of every port. An engine uses them for any port no
 * plugin provides (`createEngine()` alone is a complete single-process engine); tests and examples build them
 * directly.
 */
export { memoryDefaults } from '../engine/defaults.js';
export { createMemoryAdmissionQueue, type MemoryAdmissionQueueOptions } from './admission-queue.js';
export { createManualClock, createSystemClock, type ManualClock } from './clock.js';
export { createMemoryEventBus, type MemoryEventBus, type MemoryEventBusOptions } from './event-bus.js';
export { type ConsoleLoggerOptions, createConsoleLogger, createSilentLogger, type LogLevel } from './logger.js';
export { createMemoryPaymentGateway, type MemoryPaymentGateway, type RecordedRefund, TEST_CARDS } from './payment-gateway.js';
export { createMemoryPriceCache } from './price-cache.js';
export { createMemoryQueueSettingsStore } from './queue-settings.js';
export { createMemoryRateLimiter, type MemoryRateLimiterOptions } from './rate-limiter.js';
export { createMemorySagaRunner, type MemorySagaRunner, type MemorySagaRunnerOptions } from './saga-runner.js';
export { createMemorySearchIndex } from './search-index.js';
export { createMemorySessionStore, type MemorySessionStoreOptions } from './session-store.js';
export { createMemoryStockGate, type MemoryStockGateOptions } from './stock-gate.js';
export { createMemoryStores, type MemoryStoresOptions } from './stores/create-memory-stores.js';
