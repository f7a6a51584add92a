import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { validationError } from '../domain/errors.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { Clock } from '../ports/small-ports.js';

export interface AdmissionTokenOptions {
  /** HS256 secret, at least 32 bytes: from the deployment's configuration, the same on every replica. */
  readonly key: string;
  /** Order attempts one admission allows (`consume` calls); the per-customer limit of the gate still applies. Default 3. */
  readonly attempts?: number;
  /** Counts the attempts. A shared limiter (`redis()`'s) makes the budget hold across replicas. */
  readonly rateLimiter: RateLimiter;
  /**
   * How long an attempt stays counted: longer than any admission lasts, so a token's spent attempts never age out
   * while it is valid. Default 1 hour.
   */
  readonly budgetWindowMs?: number;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** `iss` of the tokens. Default `limitedcart`. */
  readonly issuer?: string;
}

/** What a verified admission token says. */
export interface AdmissionTokenClaims {
  readonly customerId: string;
  readonly dropId: string;
  /** When the admission lapses (the token's `exp`, to the second, never later than the admission). */
  readonly expiresAt: Date;
  /** The same for every token issued for one admission, so re-issuing a token never refills the attempt budget. */
  readonly tokenId: string;
}

export type AdmissionTokenRejection =
  /** Malformed, forged, another algorithm, another audience or issuer. */
  | 'INVALID'
  | 'EXPIRED'
  /** Signed for another customer or another drop. */
  | 'MISMATCH'
  /** Every order attempt of the admission was used. */
  | 'SPENT';

export type AdmissionTokenResult =
  | { readonly ok: true; readonly claims: AdmissionTokenClaims }
  | { readonly ok: false; readonly reason: AdmissionTokenRejection };

export interface AdmissionTokens {
  /** Signs the token of one admission; issuing again for the same admission gives a token with the same `tokenId`. */
  issue(admission: { readonly customerId: string; readonly dropId: string; readonly admittedUntil: Date }): Promise<string>;
  /** Checks signature, algorithm, audience, expiry and that it names this customer and drop; no IO. */
  verify(token: string, expected: { readonly customerId: string; readonly dropId: string }): Promise<AdmissionTokenResult>;
  /**
   * `verify`, then counts one order attempt against the admission's budget (one rate-limiter hit, no database).
   * `SPENT` once the budget is used up.
   */
  consume(token: string, expected: { readonly customerId: string; readonly dropId: string }): Promise<AdmissionTokenResult>;
}

const AUDIENCE = 'limitedcart:admission';
const TYPE = 'lc-admission+jwt';

/**
 * Admission tokens: short-lived HS256 JWTs (algorithm pinned, audience of their own so an access token can never pass
 * as one, or the reverse) naming the customer, the drop and the admission's end. `POST /api/orders` for a queued drop
 * checks one without a database round trip.
 */
export function createAdmissionTokens(options: AdmissionTokenOptions): AdmissionTokens {
  const secret = new TextEncoder().encode(options.key);
  if (typeof options.key !== 'string' || secret.byteLength < 32) throw validationError('admission token key must be at least 32 bytes');
  const attempts = options.attempts ?? 3;
  if (!Number.isSafeInteger(attempts) || attempts < 1) throw validationError(`admission token attempts must be a positive integer, got ${attempts}`);
  const issuer = options.issuer ?? 'limitedcart';
  const budgetWindowMs = options.budgetWindowMs ?? 3_600_000;
  if (!Number.isSafeInteger(budgetWindowMs) || budgetWindowMs < 1) throw validationError('admission token budgetWindowMs must be a positive integer');
  const now = () => (options.clock ? options.clock.now() : new Date());

  /** Derived from the admission, not random: every token of one admission shares one attempt budget. */
  const tokenId = (customerId: string, dropId: string, expiresAtSeconds: number): string =>
    createHash('sha256').update(`${dropId}\u0000${customerId}\u0000${expiresAtSeconds}`).digest('base64url').slice(0, 32);

  const verify: AdmissionTokens['verify'] = async (token, expected) => {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4_096) return { ok: false, reason: 'INVALID' };
    try {
      const { payload } = await jwtVerify(token, secret, {
        algorithms: ['HS256'],
        typ: TYPE,
        issuer,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'sub', 'drop', 'jti'],
        currentDate: now(),
        clockTolerance: 0,
      });
      const { sub, drop, exp, jti } = payload;
      if (typeof sub !== 'string' || typeof drop !== 'string' || typeof exp !== 'number' || typeof jti !== 'string') {
        return { ok: false, reason: 'INVALID' };
      }
      if (sub !== expected.customerId || drop !== expected.dropId) return { ok: false, reason: 'MISMATCH' };
      return { ok: true, claims: { customerId: sub, dropId: drop, expiresAt: new Date(exp * 1000), tokenId: jti } };
    } catch (error) {
      return { ok: false, reason: error instanceof errors.JWTExpired ? 'EXPIRED' : 'INVALID' };
    }
  };

  return {
    async issue({ customerId, dropId, admittedUntil }) {
      // Rounded down: the token never outlives the admission.
      const expiresAtSeconds = Math.floor(admittedUntil.getTime() / 1000);
      return new SignJWT({ drop: dropId })
        .setProtectedHeader({ alg: 'HS256', typ: TYPE })
        .setSubject(customerId)
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setIssuedAt(Math.floor(now().getTime() / 1000))
        .setExpirationTime(expiresAtSeconds)
        .setJti(tokenId(customerId, dropId, expiresAtSeconds))
        .sign(secret);
    },

    verify,

    async consume(token, expected) {
      const verified = await verify(token, expected);
      if (!verified.ok) return verified;
      // One fixed window for every attempt of a token: a window shrinking towards `exp` would let early attempts out.
      const hit = await options.rateLimiter.hit(`admission:${verified.claims.tokenId}`, attempts, budgetWindowMs);
      return hit.allowed ? verified : { ok: false, reason: 'SPENT' };
    },
  };
}
