export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Hits left in the current window after this one. */
  readonly remaining: number;
  /** Milliseconds until one more hit becomes possible (when refused) or the window's oldest hit lapses. */
  readonly resetMs: number;
}

/**
 * Sliding-window counters for abuse limits (order attempts per customer and per address, login attempts). A
 * shared implementation (Redis) makes the limits hold across replicas; the in-memory one counts per process.
 */
export interface RateLimiter {
  /**
   * Counts one hit on `key` unless `limit` hits already fell within the last `windowMs`; a refused hit is not
   * counted. `limit` and `windowMs` are positive integers.
   */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
}
