import type { RateLimiter } from '@limitedcart/core';

export interface AbuseLimits {
  readonly loginAttemptsPerMinute: number;
  readonly loginAttemptsPerAccountAddress: number;
  readonly registrationsPerAddressPerHour: number;
}

/** An attempt refused by a limit, with how long until one more is allowed. */
export interface Refusal {
  readonly retryAfterMs: number;
}

const MINUTE = 60_000;

/**
 * Login and registration limits on the engine's RateLimiter (shared across replicas with Redis). There is no limit
 * per email alone: counted per email, anyone could keep the owner out with wrong guesses. Guesses are counted per
 * email and client address instead, in three windows whose waits grow (a minute, a quarter hour, an hour), so the
 * same address guessing on keeps waiting longer, while the owner signing in from their own address is not slowed
 * by someone else's guesses. Each address is also limited over all emails (spraying many accounts).
 */
export function createAbuseLimits(rateLimiter: RateLimiter | undefined, limits: AbuseLimits) {
  const first = async (buckets: readonly (readonly [string, number, number])[]): Promise<Refusal | null> => {
    if (rateLimiter === undefined) return null;
    // One after the other: a bucket that refuses uses up none of the later ones.
    for (const [key, limit, windowMs] of buckets) {
      const decision = await rateLimiter.hit(key, limit, windowMs);
      if (!decision.allowed) return { retryAfterMs: decision.resetMs };
    }
    return null;
  };

  return {
    /** Counts a login attempt; a refusal when the address or the email from this address is over its limits. */
    login(email: string, clientAddress: string | undefined): Promise<Refusal | null> {
      if (clientAddress === undefined) return Promise.resolve(null);
      const pair = `login:account-address:${email}|${clientAddress}`;
      const base = limits.loginAttemptsPerAccountAddress;
      return first([
        [`login:address:${clientAddress}`, limits.loginAttemptsPerMinute, MINUTE],
        [`${pair}:1m`, base, MINUTE],
        [`${pair}:15m`, base * 2, 15 * MINUTE],
        [`${pair}:1h`, base * 4, 60 * MINUTE],
      ]);
    },

    /** Counts a registration attempt from an address. */
    register(clientAddress: string | undefined): Promise<Refusal | null> {
      if (clientAddress === undefined) return Promise.resolve(null);
      return first([[`register:address:${clientAddress}`, limits.registrationsPerAddressPerHour, 60 * MINUTE]]);
    },
  };
}
