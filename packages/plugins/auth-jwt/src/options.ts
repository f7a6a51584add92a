export type TokenAlgorithm = 'HS256' | 'EdDSA';

export interface AuthOptions {
  /** HS256: a secret of at least 32 bytes. EdDSA: a PKCS8 PEM private key (the public key is derived). */
  readonly key: string;
  readonly algorithm?: TokenAlgorithm;
  readonly issuer?: string;
  readonly audience?: string;
  /** Access-token lifetime. */
  readonly ttlSeconds?: number;
  /** Verified tokens kept in memory until they expire, so a hot path does not re-verify signatures. */
  readonly verifiedCacheSize?: number;
}

export const AUTH_DEFAULTS = {
  algorithm: 'HS256',
  issuer: 'limitedcart',
  audience: 'limitedcart-api',
  ttlSeconds: 3600,
  verifiedCacheSize: 50_000,
} as const;
