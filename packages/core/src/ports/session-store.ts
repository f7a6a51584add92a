/** Why a session ended before its expiry. */
export type SessionRevocation = 'LOGOUT' | 'LOGOUT_ALL' | 'REFRESH_REUSED' | 'ACCOUNT_DISABLED';

/**
 * A signed-in session: one login and the chain of refresh tokens rotated from it. Only hashes of refresh tokens
 * are stored; the token itself exists only in the client's hands.
 */
export interface Session {
  readonly id: string;
  readonly customerId: string;
  readonly createdAt: Date;
  /** When its refresh token was last rotated (createdAt until the first refresh). */
  readonly refreshedAt: Date;
  /** The current refresh token is refused from then on; every rotation moves it to rotation time + ttl. */
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
  readonly revokedReason: SessionRevocation | null;
}

export interface NewSession {
  readonly id?: string;
  readonly customerId: string;
  /** Hash of the first refresh token (e.g. SHA-256, hex): the store never sees a token. */
  readonly refreshTokenHash: string;
  /** Lifetime of the refresh token from now, by the store's own clock. */
  readonly ttlMs: number;
}

export type RotateResult =
  | { readonly ok: true; readonly session: Session }
  /** No session ever held this token. */
  | { readonly ok: false; readonly reason: 'UNKNOWN' }
  /**
   * `REUSED`: the token was already rotated away: someone replays an old token, so the store revoked the whole
   * session (`REFRESH_REUSED`) in the same step. `REVOKED` / `EXPIRED`: the session had ended; nothing changed.
   */
  | { readonly ok: false; readonly reason: 'REUSED' | 'REVOKED' | 'EXPIRED'; readonly session: Session };

export interface RotateOptions {
  /**
   * How long (ms, store clock) after a token's rotation that same token may rotate again instead of counting as
   * reuse. A client that reloads or loses the connection while its refresh is in flight never receives the new
   * token and presents the old one again; without this window that honest retry ends its session. A rotation
   * inside the window retires the successor its client never received (presenting that one later is reuse), and
   * the window is not extended by it: it runs from the first rotation of the token. Default 0: no window.
   */
  readonly reuseGraceMs?: number;
}

/**
 * Sessions and their rotating refresh tokens. Every decision about time (expiry) is taken on the store's own
 * clock, so replicas with skewed clocks agree.
 */
export interface SessionStore {
  /** Throws LimitedCartError('CONFLICT') when the id or the token hash exists. */
  create(session: NewSession): Promise<Session>;
  get(id: string): Promise<Session | null>;
  /** The session whose current or an earlier (rotated) refresh token has this hash, or null. Reads only. */
  findByRefreshToken(tokenHash: string): Promise<Session | null>;
  /**
   * Atomically replaces the session's current refresh token `presentedHash` by `nextHash` and extends its expiry
   * to now + `ttlMs`. Without a grace window, of concurrent rotations with one token exactly one succeeds; the
   * others find the token rotated away and get `REUSED`, which revokes the session.
   *
   * With `options.reuseGraceMs`, the token the current one replaced still rotates for that long after its own
   * rotation (see `RotateOptions`).
   */
  rotate(presentedHash: string, nextHash: string, ttlMs: number, options?: RotateOptions): Promise<RotateResult>;
  /** Ends a session; a session already ended keeps its first reason and time. null for an unknown id. */
  revoke(id: string, reason: SessionRevocation): Promise<Session | null>;
  /** Ends every live session of one customer; returns the ids this call ended. */
  revokeAll(customerId: string, reason: SessionRevocation): Promise<readonly string[]>;
}

/** A session can still refresh: neither revoked nor expired at `now`. */
export const isSessionLive = (session: Session, now: Date): boolean =>
  session.revokedAt === null && session.expiresAt.getTime() > now.getTime();
