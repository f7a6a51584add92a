/**
 * `@limitedcart/adapter-redis`: Redis for the hot path of a drop. `redis({...})` is the plugin: the tiered stock gate
 * (Redis admits, the ledger confirms) with its reconciler, the price cache, the Idempotency-Key filter and shared
 * rate limits. The factories below are its parts, for hosts that compose by hand and for tests.
 */
export { createRedisAdmissionQueue, type RedisAdmissionQueue, type RedisAdmissionQueueOptions } from './admission-queue.js';
export { createRedisIdempotencyFilter, type RedisIdempotencyFilter, type RedisIdempotencyFilterOptions } from './idempotency-filter.js';
export type { RedisAdapterOptions, RedisClient, RedisConnection } from './options.js';
export { type RedisPluginOptions, redis } from './plugin.js';
export { createRedisPriceCache, type RedisPriceCache, type RedisPriceCacheOptions } from './price-cache.js';
export { createRedisRateLimiter, type RedisRateLimiter, type RedisRateLimiterOptions } from './rate-limiter.js';
export {
  createStockReconciler,
  type HoldMismatch,
  type LedgerReader,
  type SkuDrift,
  type StockReconciler,
  type StockReconcilerOptions,
} from './reconciler.js';
export type { GateHold, SkuStockState } from './sku-state.js';
export { createRedisStockGate, type RedisStockGate, type RedisStockGateOptions } from './stock-gate.js';
export {
  createTieredStockGate,
  type DriftSignal,
  type TieredStockGate,
  type TieredStockGateOptions,
} from './tiered-stock-gate.js';
