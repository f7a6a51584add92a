export { createRedisIdempotencyFilter, type RedisIdempotencyFilter, type RedisIdempotencyFilterOptions } from './idempotency-filter.js';
export type { RedisAdapterOptions, RedisClient, RedisConnection } from './options.js';
export { createRedisPriceCache, type RedisPriceCache, type RedisPriceCacheOptions } from './price-cache.js';
export {
  createRedisRateLimiter,
  type RateLimitDecision,
  type RedisRateLimiter,
  type RedisRateLimiterOptions,
} from './rate-limiter.js';
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
