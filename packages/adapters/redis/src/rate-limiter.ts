import { LimitedCartError, type RateLimiter } from '@limitedcart/core';
import { defineLuaScript } from './lua-script.js';
import { rateLimitLua } from './lua/rate-limit.js';
import { closeClient, infrastructureError, type RedisAdapterOptions, resolveClient, validateKeyPrefix } from './options.js';
import { requirePositiveInteger, requireText } from './stock-validation.js';

/** Core's `RateLimiter` on Redis: shared by every process using the same Redis and prefix. */
export interface RedisRateLimiter extends RateLimiter {
  /** Closes the client the limiter opened for `url`; a client passed in stays open for its owner. */
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
