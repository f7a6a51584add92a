import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createMemoryRateLimiter, rateLimit } from './rate-limit.js';

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

describe('rateLimit middleware', () => {
  const appWith = (concurrent: boolean) => {
    const limiter = createMemoryRateLimiter();
    const app = new Hono();
    app.post(
      '/',
      rateLimit(limiter, [
        { key: () => 'first', limit: 1, windowMs: 60_000 },
        { key: () => 'second', limit: 5, windowMs: 60_000 },
      ], { concurrent }),
      (c) => c.text('ok'),
    );
    return { app, limiter };
  };

  for (const concurrent of [false, true]) {
    it(`answers 429 RATE_LIMITED with retry-after once a rule is exceeded (concurrent: ${concurrent})`, async () => {
      const { app, limiter } = appWith(concurrent);
      expect((await app.request('/', { method: 'POST' })).status).toBe(200);
      const refused = await app.request('/', { method: 'POST' });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await refused.json()) as { code: string }).code).toBe('RATE_LIMITED');
      // Sequential checking stops at the refusal; concurrent checking counted the refused request on `second` too.
      const secondLeft = (await limiter.hit('second', 5, 60_000)).remaining;
      expect(secondLeft).toBe(concurrent ? 2 : 3);
    });
  }
});
