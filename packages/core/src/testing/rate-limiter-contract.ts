import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { LimitedCartError } from '../domain/errors.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import { type ContractOptions, describeKit, useTarget } from './store-contracts/cases.js';
import { waitFor } from './wait-for.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const RATE_LIMITER_CASES = [
  'rate limiter: allows `limit` hits per window, counting down, then refuses with a reset time',
  'rate limiter: counts keys separately',
  'rate limiter: admits exactly `limit` of many concurrent hits',
  'rate limiter: a refused hit is not counted',
  'rate limiter: the window slides: an old hit leaves it and frees its slot',
  'rate limiter: rejects a bad key, limit or window with VALIDATION',
] as const;

export type RateLimiterCase = (typeof RATE_LIMITER_CASES)[number];

/** What the rate-limiter kit runs against. */
export interface RateLimiterKitTarget {
  readonly limiter: RateLimiter;
  close(): Promise<void>;
}

export type MakeRateLimiter = () => Promise<RateLimiterKitTarget>;

const MINUTE = 60_000;

/**
 * The RateLimiter conformance kit. `make` runs once for the block; every case uses keys of its own, so the backend
 * may hold other data.
 */
export function describeRateLimiterContract(name: string, make: MakeRateLimiter, options?: ContractOptions<RateLimiterCase>): void {
  describeKit(RATE_LIMITER_CASES, `RateLimiter contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    const key = (purpose: string): string => `kit:${purpose}:${randomUUID()}`;

    registry.case('rate limiter: allows `limit` hits per window, counting down, then refuses with a reset time', async () => {
      const bucket = key('count-down');
      const decisions = [];
      for (let i = 0; i < 4; i += 1) decisions.push(await target().limiter.hit(bucket, 3, MINUTE));
      expect(
        decisions.map((decision) => [decision.allowed, decision.remaining]),
        'three hits allowed with 2, 1, 0 remaining, the fourth refused',
      ).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ]);
      const refused = decisions[3]!;
      expect(refused.resetMs, 'a refusal says when a hit becomes possible again (> 0 ms)').toBeGreaterThan(0);
      expect(refused.resetMs, 'a refusal resets within the window').toBeLessThanOrEqual(MINUTE);
    });

    registry.case('rate limiter: counts keys separately', async () => {
      const full = key('full');
      expect((await target().limiter.hit(full, 1, MINUTE)).allowed, 'the first hit on a key is allowed').toBe(true);
      expect((await target().limiter.hit(full, 1, MINUTE)).allowed, 'a key at its limit refuses').toBe(false);
      expect((await target().limiter.hit(key('other'), 1, MINUTE)).allowed, 'another key is not affected by a full one').toBe(
        true,
      );
    });

    registry.case('rate limiter: admits exactly `limit` of many concurrent hits', async () => {
      const bucket = key('concurrent');
      const decisions = await Promise.all(Array.from({ length: 200 }, () => target().limiter.hit(bucket, 25, MINUTE)));
      expect(decisions.filter((decision) => decision.allowed), 'of 200 concurrent hits with limit 25, exactly 25 allowed').toHaveLength(
        25,
      );
    });

    registry.case('rate limiter: a refused hit is not counted', async () => {
      const bucket = key('refused');
      await target().limiter.hit(bucket, 2, 1_000);
      await target().limiter.hit(bucket, 2, 1_000);
      for (let i = 0; i < 5; i += 1) await target().limiter.hit(bucket, 2, 1_000);
      // Were refused hits counted, hammering a full key would keep it closed for good.
      await waitFor(async () => (await target().limiter.hit(bucket, 2, 1_000)).allowed, {
        timeoutMs: 10_000,
        intervalMs: 100,
        message: 'the key to reopen one window after its two counted hits, refused hits notwithstanding',
      });
    });

    registry.case('rate limiter: the window slides: an old hit leaves it and frees its slot', async () => {
      const bucket = key('slide');
      expect((await target().limiter.hit(bucket, 2, 1_000)).allowed, 'first hit allowed').toBe(true);
      expect((await target().limiter.hit(bucket, 2, 1_000)).allowed, 'second hit allowed').toBe(true);
      expect((await target().limiter.hit(bucket, 2, 1_000)).allowed, 'third hit within the window refused').toBe(false);
      await waitFor(async () => (await target().limiter.hit(bucket, 2, 1_000)).allowed, {
        timeoutMs: 10_000,
        intervalMs: 50,
        message: 'a slot to free once the oldest hit left the 1 s window',
      });
    });

    registry.case('rate limiter: rejects a bad key, limit or window with VALIDATION', async () => {
      for (const [bucket, limit, windowMs] of [
        ['', 1, 1_000],
        [key('bad'), 0, 1_000],
        [key('bad'), 1, 0],
        [key('bad'), 1.5, 1_000],
      ] as const) {
        const error = await target()
          .limiter.hit(bucket, limit, windowMs)
          .catch((thrown: unknown) => thrown);
        expect(error, `hit(${JSON.stringify(bucket)}, ${limit}, ${windowMs}) throws a LimitedCartError`).toBeInstanceOf(
          LimitedCartError,
        );
        expect((error as LimitedCartError).code, 'with code VALIDATION').toBe('VALIDATION');
      }
    });
  });
}
