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

export interface RateLimitOptions {
  /**
   * Check the rules at once (one round trip to a shared limiter) instead of one after another. Then every rule
   * counts the request even when another refuses it; sequential checking stops at the first refusal, so a
   * request refused by an earlier rule uses nothing of the later ones (login: a throttled address cannot use up
   * an account's attempts). Default false.
   */
  readonly concurrent?: boolean;
}

/**
 * Applies the rules; the first exceeded (in rule order) gives 429 `RATE_LIMITED` with `retry-after` (seconds),
 * null lets the request through. For a handler that counts only some requests (see `rateLimit` for the middleware).
 */
export const limitCheck =
  <E extends object>(limiter: RateLimiter, rules: readonly LimitRule<E>[], options: RateLimitOptions = {}) =>
  async (c: Parameters<MiddlewareHandler<E>>[0]): Promise<Response | null> => {
    const check = async (rule: LimitRule<E>): Promise<RateLimitDecision | null> => {
      const key = await rule.key(c);
      return key === null ? null : limiter.hit(key, rule.limit, rule.windowMs);
    };
    let refused: RateLimitDecision | undefined;
    if (options.concurrent) {
      refused = (await Promise.all(rules.map(check))).find((decision) => decision !== null && !decision.allowed) ?? undefined;
    } else {
      for (const rule of rules) {
        const decision = await check(rule);
        if (decision !== null && !decision.allowed) {
          refused = decision;
          break;
        }
      }
    }
    if (!refused) return null;
    const retryAfter = Math.max(1, Math.ceil(refused.resetMs / 1000));
    c.header('retry-after', String(retryAfter));
    return problemResponse(c, 429, 'RATE_LIMITED', `too many requests; retry in ${retryAfter} s`);
  };

/** `limitCheck` as middleware: every request that reaches it is counted. */
export const rateLimit = <E extends object>(
  limiter: RateLimiter,
  rules: readonly LimitRule<E>[],
  options: RateLimitOptions = {},
): MiddlewareHandler<E> => {
  const limited = limitCheck(limiter, rules, options);
  return async (c, next) => {
    const refusal = await limited(c);
    if (refusal) return refusal;
    await next();
  };
};
