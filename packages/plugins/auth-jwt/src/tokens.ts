import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { LimitedCartError, type Role, ROLES } from '@limitedcart/core';
import { errors, jwtVerify, SignJWT } from 'jose';
import { verifyHs256 } from './hs256-verify.js';
import { AUTH_DEFAULTS, type AuthOptions, type TokenAlgorithm } from './options.js';

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  readonly customerId: string;
  readonly email: string;
  readonly roles: readonly Role[];
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
}

export interface TokenService {
  issue(principal: Principal): Promise<IssuedToken>;
  /** Throws LimitedCartError('UNAUTHENTICATED') for any token that is not valid right now. */
  verify(token: string): Promise<Principal>;
}

const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/**
 * jose access tokens with the algorithm pinned: a token signed with any other algorithm (including `none`)
 * is rejected, and `exp`, `iat`, `iss`, `aud` and `sub` are required.
 *
 * Keys are imported once. Verified tokens are remembered until their `exp` in a bounded map: during a drop
 * the same shopper retries with the same token many times a second, and a map lookup costs a fraction of a
 * signature check. The map keys are the full token strings, so a forged token can never hit it.
 */
export function createTokenService(options: AuthOptions): TokenService {
  const algorithm: TokenAlgorithm = options.algorithm ?? AUTH_DEFAULTS.algorithm;
  const issuer = options.issuer ?? AUTH_DEFAULTS.issuer;
  const audience = options.audience ?? AUTH_DEFAULTS.audience;
  const ttlSeconds = options.ttlSeconds ?? AUTH_DEFAULTS.ttlSeconds;
  const cacheSize = options.verifiedCacheSize ?? AUTH_DEFAULTS.verifiedCacheSize;
  const { signingKey, verifyingKey } = importKeys(algorithm, options.key);
  const verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

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
    async issue(principal) {
      const accessToken = await new SignJWT({ email: principal.email, roles: [...principal.roles] })
        .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
        .setSubject(principal.customerId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(signingKey);
      return { accessToken, tokenType: 'Bearer', expiresIn: ttlSeconds };
    },

    async verify(token) {
      const cached = verified.get(token);
      if (cached && cached.expiresAtMs > Date.now()) return cached.principal;
      if (cached) verified.delete(token);
      try {
        const payload = await verifyPayload(token);
        const roles = Array.isArray(payload.roles) ? payload.roles.filter(isRole) : [];
        if (typeof payload.sub !== 'string' || typeof payload.email !== 'string' || typeof payload.exp !== 'number') {
          throw new LimitedCartError('UNAUTHENTICATED', 'access token is missing required claims');
        }
        const principal: Principal = { customerId: payload.sub, email: payload.email, roles };
        if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
        verified.set(token, { principal, expiresAtMs: payload.exp * 1000 });
        return principal;
      } catch (error) {
        if (error instanceof LimitedCartError) throw error;
        const reason = error instanceof errors.JWTExpired ? 'access token expired' : 'invalid access token';
        throw new LimitedCartError('UNAUTHENTICATED', reason, { cause: error });
      }
    },
  };
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
