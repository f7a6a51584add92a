import { LimitedCartError } from '@limitedcart/core';
import { defineLuaScript } from './lua-script.js';
import { rateLimitLua } from './lua/rate-limit.js';
import { closeClient, infrastructureError, type RedisAdapterOptions, resolveClient, validateKeyPrefix } from './options.js';
import { requirePositiveInteger, requireText } from './stock-validation.js';

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Hits still allowed in the current window after this one. */
  readonly remaining: number;
  /** Milliseconds until the oldest counted hit leaves the window (one more hit becomes possible); 0 if none. */
  readonly resetMs: number;
}

export interface RedisRateLimiter {
  /**
   * Counts one hit on `key` and says whether it is within `limit` hits per sliding `windowMs`. A denied hit is
   * not counted. Shared by every process using the same Redis and prefix.
   */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

export type RedisRateLimiterOptions = RedisAdapterOptions;

/** A sliding-window rate limiter: one Lua script per hit, timed by the Redis server's clock. */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  const prefix = validateKeyPrefix(options.keyPrefix);
  const client = resolveClient(options);
  const script = defineLuaScript(client.redis, 'rate_limit', rateLimitLua);
  return {
    async hit(key, limit, windowMs) {
      requireText('key', key);
      requirePositiveInteger('limit', limit);
      requirePositiveInteger('windowMs', windowMs);
      let reply: [number, number, number];
      try {
        reply = (await script([`${prefix}:rate:${key}`], [limit, windowMs])) as [number, number, number];
      } catch (error) {
        if (error instanceof LimitedCartError) throw error;
        throw infrastructureError('rate limit', error);
      }
      const [allowed, remaining, resetMs] = reply;
      return { allowed: allowed === 1, remaining, resetMs };
    },
    close: () => closeClient(client),
  };
}
