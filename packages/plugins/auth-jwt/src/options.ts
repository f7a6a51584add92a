export type TokenAlgorithm = 'HS256' | 'EdDSA';

export interface AuthOptions {
  /** HS256: a secret of at least 32 bytes. EdDSA: a PKCS8 PEM private key (the public key is derived). */
  readonly key: string;
  readonly algorithm?: TokenAlgorithm;
  readonly issuer?: string;
  readonly audience?: string;
  /** Access-token lifetime. Short: a session is revoked for good when its refresh token is, and this is the rest. */
  readonly ttlSeconds?: number;
  /** Verified tokens kept in memory until they expire, so a hot path does not re-verify signatures. */
  readonly verifiedCacheSize?: number;
}

export const AUTH_DEFAULTS = {
  algorithm: 'HS256',
  issuer: 'limitedcart',
  audience: 'limitedcart-api',
  ttlSeconds: 300,
  verifiedCacheSize: 50_000,
  /** Refresh-token lifetime, renewed by every refresh (a session idle this long ends). */
  refreshTtlSeconds: 1_209_600,
  /**
   * How long after a refresh the token it replaced still refreshes (once more per retry, never extending this
   * window): a browser that reloads, or a phone that loses the answer, while its refresh is in flight sends the
   * old cookie again, and that honest retry must not end the session as a replay. Presenting the successor the
   * retry replaced is still a replay, so a stolen token in use by two parties is still caught. 0 turns it off.
   */
  refreshReuseGraceSeconds: 30,
  /**
   * How long a process trusts what it read about an account (roles, disabled, version) and a session (revoked):
   * the bound within which a role change, a lock, a deletion or a logout reaches every token check, whatever
   * happens to the `account.changed` events that usually make it immediate.
   */
  sessionCheckTtlMs: 5_000,
  /** Login attempts per minute from one client address, whatever the emails. */
  loginAttemptsPerMinute: 20,
  /**
   * Login attempts for one email from one client address: this many per minute, twice as many per 15 minutes,
   * four times as many per hour. The wait grows with the guesses, and another address (the owner's) is unaffected.
   */
  loginAttemptsPerAccountAddress: 5,
  /** Registrations per hour from one client address. */
  registrationsPerAddressPerHour: 10,
} as const;
