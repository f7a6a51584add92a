import type { MiddlewareHandler } from 'hono';
import { problemResponse } from './problem.js';

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Milliseconds until one more hit becomes possible. */
  readonly resetMs: number;
}

/** Sliding-window limiter; `@limitedcart/adapter-redis`'s limiter has this shape and is shared by replicas. */
export interface RateLimiter {
  /** Counts one hit on `key` unless it is over `limit` per `windowMs`; denied hits are not counted. */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
}

/**
 * A process-local sliding-window limiter (exact: it keeps each hit's time). Good for one replica; several
 * replicas behind a balancer each allow the full limit, which is why the Redis limiter exists.
 */
export function createMemoryRateLimiter({ now = () => Date.now(), maxKeys = 100_000 } = {}): RateLimiter {
  const hits = new Map<string, number[]>();
  return {
    async hit(key, limit, windowMs) {
      const at = now();
      // Hits are appended in time order, so the expired ones are a prefix: dropping it in place keeps a hit
      // O(expired) rather than copying the whole window (which holds tens of thousands of hits under a high limit).
      const recent = hits.get(key) ?? [];
      let expired = 0;
      while (expired < recent.length && recent[expired]! <= at - windowMs) expired += 1;
      if (expired > 0) recent.splice(0, expired);
      if (recent.length >= limit) {
        hits.set(key, recent);
        return { allowed: false, remaining: 0, resetMs: Math.max(1, recent[0]! + windowMs - at) };
      }
      recent.push(at);
      // Refresh insertion order so the eviction below drops the least recently used key.
      hits.delete(key);
      if (hits.size >= maxKeys) hits.delete(hits.keys().next().value!);
      hits.set(key, recent);
      return { allowed: true, remaining: limit - recent.length, resetMs: recent[0]! + windowMs - at };
    },
  };
}

export interface LimitRule<E extends object> {
  /** Key of the bucket, or null to skip this rule for the request. */
  readonly key: (c: Parameters<MiddlewareHandler<E>>[0]) => string | null | Promise<string | null>;
  readonly limit: number;
  readonly windowMs: number;
}

/** Applies every rule in order; the first exceeded answers 429 `RATE_LIMITED` with `retry-after` (seconds). */
export const rateLimit =
  <E extends object>(limiter: RateLimiter, rules: readonly LimitRule<E>[]): MiddlewareHandler<E> =>
  async (c, next) => {
    for (const rule of rules) {
      const key = await rule.key(c);
      if (key === null) continue;
      const decision = await limiter.hit(key, rule.limit, rule.windowMs);
      if (!decision.allowed) {
        const retryAfter = Math.max(1, Math.ceil(decision.resetMs / 1000));
        c.header('retry-after', String(retryAfter));
        return problemResponse(c, 429, 'RATE_LIMITED', `too many requests; retry in ${retryAfter} s`);
      }
    }
    await next();
  };
