import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from './rate-limit.js';

describe('memory sliding-window rate limiter', () => {
  it('allows `limit` hits per window, does not count denied hits, and frees slots as hits age out', async () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter({ now: () => now });
    expect((await limiter.hit('k', 2, 1_000)).allowed).toBe(true);
    now += 400;
    expect(await limiter.hit('k', 2, 1_000)).toMatchObject({ allowed: true, remaining: 0 });
    now += 100;
    expect(await limiter.hit('k', 2, 1_000)).toEqual({ allowed: false, remaining: 0, resetMs: 500 });
    expect((await limiter.hit('other', 2, 1_000)).allowed).toBe(true);
    now += 500;
    // The first hit left the window; the denied one never counted.
    expect((await limiter.hit('k', 2, 1_000)).allowed).toBe(true);
    expect((await limiter.hit('k', 2, 1_000)).allowed).toBe(false);
  });

  it('forgets the least recently used keys beyond its bound', async () => {
    const limiter = createMemoryRateLimiter({ maxKeys: 2 });
    await limiter.hit('a', 1, 60_000);
    await limiter.hit('b', 1, 60_000);
    await limiter.hit('c', 1, 60_000);
    expect((await limiter.hit('a', 1, 60_000)).allowed).toBe(true);
    expect((await limiter.hit('c', 1, 60_000)).allowed).toBe(false);
  });
});
