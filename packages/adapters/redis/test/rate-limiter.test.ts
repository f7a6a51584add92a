import { LimitedCartError } from '@limitedcart/core';
import { waitFor } from '@limitedcart/core/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRateLimiter, type RedisRateLimiter } from '../src/index.js';
import { connect, deleteKeysUnder, redisUrl, uniquePrefix } from './redis-env.js';

describe.skipIf(redisUrl === undefined)('Redis rate limiter', () => {
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

  it('allows `limit` hits per window, counting down, then denies with a reset time', async () => {
    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await limiter.hit('login:alice', 3, 60_000));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    const denied = decisions[3]!;
    expect(denied.resetMs).toBeGreaterThan(0);
    expect(denied.resetMs).toBeLessThanOrEqual(60_000);
  });

  it('counts keys separately', async () => {
    await limiter.hit('login:bob', 1, 60_000);
    expect((await limiter.hit('login:bob', 1, 60_000)).allowed).toBe(false);
    expect((await limiter.hit('login:carol', 1, 60_000)).allowed).toBe(true);
  });

  it('admits exactly `limit` of many parallel hits', async () => {
    const decisions = await Promise.all(Array.from({ length: 200 }, () => limiter.hit('orders:dave', 25, 60_000)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(25);
  });

  it('slides: a hit leaves the window and frees its slot', async () => {
    expect((await limiter.hit('orders:erin', 2, 1000)).allowed).toBe(true);
    expect((await limiter.hit('orders:erin', 2, 1000)).allowed).toBe(true);
    expect((await limiter.hit('orders:erin', 2, 1000)).allowed).toBe(false);
    await waitFor(async () => (await limiter.hit('orders:erin', 2, 1000)).allowed, { timeoutMs: 10_000, intervalMs: 50 });
  });

  it('does not count denied hits, and expires idle keys', async () => {
    await limiter.hit('orders:frank', 1, 60_000);
    for (let i = 0; i < 5; i += 1) await limiter.hit('orders:frank', 1, 60_000);
    expect(await redis.zcard(`${keyPrefix}:rate:orders:frank`)).toBe(1);
    expect(await redis.pttl(`${keyPrefix}:rate:orders:frank`)).toBeGreaterThan(0);
  });

  it('rejects bad arguments with VALIDATION', async () => {
    for (const [key, limit, windowMs] of [
      ['', 1, 1000],
      ['k', 0, 1000],
      ['k', 1, 0],
      ['k', 1.5, 1000],
    ] as const) {
      const error = await limiter.hit(key, limit, windowMs).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(LimitedCartError);
      expect((error as LimitedCartError).code).toBe('VALIDATION');
    }
  });
});
