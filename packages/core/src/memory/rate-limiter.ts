import { validationError } from '../domain/errors.js';
import type { RateLimitDecision, RateLimiter } from '../ports/rate-limiter.js';

export interface MemoryRateLimiterOptions {
  /** Milliseconds clock; defaults to `Date.now`. */
  readonly now?: () => number;
  /** Keys kept at most; the least recently hit go first. Default 100,000. */
  readonly maxKeys?: number;
}

/**
 * A process-local sliding-window limiter, exact (it keeps each hit's time). Good for one replica; several replicas
 * behind a balancer each allow the full limit, which is why a shared limiter exists (`@limitedcart/adapter-redis`).
 */
export function createMemoryRateLimiter({ now = Date.now, maxKeys = 100_000 }: MemoryRateLimiterOptions = {}): RateLimiter {
  const hits = new Map<string, number[]>();
  return {
    async hit(key, limit, windowMs): Promise<RateLimitDecision> {
      if (typeof key !== 'string' || key === '') throw validationError('rate limit key must be a non-empty string');
      if (!Number.isSafeInteger(limit) || limit < 1) throw validationError(`rate limit must be a positive integer, got ${limit}`);
      if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw validationError(`rate window must be a positive integer, got ${windowMs}`);
      const at = now();
      // Hits are appended in time order, so the expired ones are a prefix: dropping it in place keeps a hit
      // O(expired) rather than copying the whole window (tens of thousands of hits under a high limit).
      const recent = hits.get(key) ?? [];
      let expired = 0;
      while (expired < recent.length && recent[expired]! <= at - windowMs) expired += 1;
      if (expired > 0) recent.splice(0, expired);
      if (recent.length >= limit) {
        hits.set(key, recent);
        return { allowed: false, remaining: 0, resetMs: Math.max(1, recent[0]! + windowMs - at) };
      }
      recent.push(at);
      // Refresh insertion order so the eviction below drops the least recently hit key.
      hits.delete(key);
      if (hits.size >= maxKeys) hits.delete(hits.keys().next().value!);
      hits.set(key, recent);
      return { allowed: true, remaining: limit - recent.length, resetMs: recent[0]! + windowMs - at };
    },
  };
}
