import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { LimitedCartError, type Role, ROLES } from '@limitedcart/core';
import { errors, jwtVerify, SignJWT } from 'jose';
import { verifyHs256 } from './hs256-verify.js';
import { AUTH_DEFAULTS, type AuthOptions, type TokenAlgorithm } from './options.js';
import type { SessionGuard } from './session-guard.js';

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  readonly customerId: string;
  readonly email: string;
  readonly roles: readonly Role[];
  /** The session the token belongs to (claim `sid`). */
  readonly sessionId: string;
  /** When the token expires, in milliseconds since the epoch: a long-lived stream ends then. */
  readonly expiresAt: number;
}

/** What an access token is issued for: the principal, its session and the account's session version (`ver`). */
export interface AccessGrant {
  readonly customerId: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly sessionId: string;
  readonly version: number;
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
}

export interface TokenService {
  issue(grant: AccessGrant): Promise<IssuedToken>;
  /**
   * Throws LimitedCartError('UNAUTHENTICATED') for any token that is not valid right now: a bad or expired
   * signature, or (with a session guard) a session that was revoked or an account that changed since.
   */
  verify(token: string): Promise<Principal>;
}

const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/**
 * jose access tokens with the algorithm pinned: a token signed with any other algorithm (including `none`)
 * is rejected, and `exp`, `iat`, `iss`, `aud` and `sub` are required.
 *
 * Keys are imported once. Verified tokens are remembered until their `exp` in a bounded map: during a drop
 * the same shopper retries with the same token many times a second, and a map lookup costs a fraction of a
 * signature check. The map keys are the full token strings, so a forged token can never hit it. The map proves
 * only the signature: the session guard is asked on every call, hit or miss, so a revocation is not outlived.
 */
export function createTokenService(options: AuthOptions, guard?: SessionGuard): TokenService {
  const algorithm: TokenAlgorithm = options.algorithm ?? AUTH_DEFAULTS.algorithm;
  const issuer = options.issuer ?? AUTH_DEFAULTS.issuer;
  const audience = options.audience ?? AUTH_DEFAULTS.audience;
  const ttlSeconds = options.ttlSeconds ?? AUTH_DEFAULTS.ttlSeconds;
  const cacheSize = options.verifiedCacheSize ?? AUTH_DEFAULTS.verifiedCacheSize;
  const { signingKey, verifyingKey } = importKeys(algorithm, options.key);
  const verified = new Map<string, { principal: Principal; version: number }>();

  const verifyPayload = async (token: string): Promise<Record<string, unknown>> => {
    if (algorithm === 'HS256') {
      const result = verifyHs256(token, verifyingKey, { issuer, audience, now: Math.floor(Date.now() / 1000) });
      if (result.ok) return result.payload;
      throw new LimitedCartError('UNAUTHENTICATED', result.reason === 'EXPIRED' ? 'access token expired' : 'invalid access token');
    }
    const { payload } = await jwtVerify(token, verifyingKey, {
      algorithms: [algorithm],
      issuer,
      audience,
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    return payload;
  };

  return {
    async issue(grant) {
      const accessToken = await new SignJWT({ email: grant.email, roles: [...grant.roles], sid: grant.sessionId, ver: grant.version })
        .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
        .setSubject(grant.customerId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(signingKey);
      return { accessToken, tokenType: 'Bearer', expiresIn: ttlSeconds };
    },

    async verify(token) {
      let entry = verified.get(token);
      if (entry && entry.principal.expiresAt <= Date.now()) {
        verified.delete(token);
        entry = undefined;
      }
      entry ??= await verifySignature(token);
      await guard?.check({ customerId: entry.principal.customerId, sessionId: entry.principal.sessionId, version: entry.version });
      return entry.principal;
    },
  };

  async function verifySignature(token: string): Promise<{ principal: Principal; version: number }> {
    try {
      const payload = await verifyPayload(token);
      const roles = Array.isArray(payload.roles) ? payload.roles.filter(isRole) : [];
      const { sub, email, exp, sid, ver } = payload;
      if (typeof sub !== 'string' || typeof email !== 'string' || typeof exp !== 'number') {
        throw new LimitedCartError('UNAUTHENTICATED', 'access token is missing required claims');
      }
      // A token without a session cannot be revoked: refused, whoever signed it.
      if (typeof sid !== 'string' || sid === '' || !Number.isSafeInteger(ver)) {
        throw new LimitedCartError('UNAUTHENTICATED', 'access token has no session');
      }
      const entry = { principal: { customerId: sub, email, roles, sessionId: sid, expiresAt: exp * 1000 }, version: ver as number };
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
      verified.set(token, entry);
      return entry;
    } catch (error) {
      if (error instanceof LimitedCartError) throw error;
      const reason = error instanceof errors.JWTExpired ? 'access token expired' : 'invalid access token';
      throw new LimitedCartError('UNAUTHENTICATED', reason, { cause: error });
    }
  }
}

function importKeys(algorithm: TokenAlgorithm, key: string): { signingKey: KeyObject | Uint8Array; verifyingKey: KeyObject | Uint8Array } {
  if (algorithm === 'HS256') {
    const secret = new TextEncoder().encode(key);
    if (secret.length < 32) {
      throw new LimitedCartError('VALIDATION', 'HS256 signing secret must be at least 32 bytes');
    }
    // Verification takes a KeyObject: node:crypto then does not import the raw secret again for every token.
    return { signingKey: secret, verifyingKey: createSecretKey(secret) };
  }
  const privateKey = createPrivateKey(key);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new LimitedCartError('VALIDATION', 'EdDSA tokens need an Ed25519 private key');
  }
  return { signingKey: privateKey, verifyingKey: createPublicKey(privateKey) };
}
