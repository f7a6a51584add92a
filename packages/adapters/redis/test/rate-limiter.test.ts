import { describeRateLimiterContract } from '@limitedcart/core/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRateLimiter, type RedisRateLimiter } from '../src/index.js';
import { connect, deleteKeysUnder, redisUrl, uniquePrefix } from './redis-env.js';

describe.skipIf(redisUrl === undefined)('Redis rate limiter', () => {
  describeRateLimiterContract('redis', async () => {
    const redis = connect();
    const keyPrefix = uniquePrefix('rate-kit');
    return {
      limiter: createRedisRateLimiter({ redis, keyPrefix }),
      close: async () => {
        await deleteKeysUnder(redis, keyPrefix);
        await redis.quit();
      },
    };
  });

  describe('what the kit cannot see', () => {
    let redis: Redis;
    let limiter: RedisRateLimiter;
    const keyPrefix = uniquePrefix('rate');

    beforeAll(() => {
      redis = connect();
      limiter = createRedisRateLimiter({ redis, keyPrefix });
    });
    afterAll(async () => {
      await deleteKeysUnder(redis, keyPrefix);
      await redis.quit();
    });

    it('stores only counted hits, and lets an idle key expire', async () => {
      await limiter.hit('orders:frank', 1, 60_000);
      for (let i = 0; i < 5; i += 1) await limiter.hit('orders:frank', 1, 60_000);
      expect(await redis.zcard(`${keyPrefix}:rate:orders:frank`)).toBe(1);
      expect(await redis.pttl(`${keyPrefix}:rate:orders:frank`)).toBeGreaterThan(0);
    });
  });
});
