import { type CustomerStore, LimitedCartError, type SessionStore } from '@limitedcart/core';

/** What an access token claims about its session. */
export interface SessionClaims {
  readonly customerId: string;
  readonly sessionId: string;
  /** The account's session version when the token was issued. */
  readonly version: number;
}

/**
 * Decides, on every authenticated request, whether the session behind a valid signature still stands: the account
 * exists, is not disabled, has not moved past the token's version (roles changed, locked), and the session was not
 * revoked. Answers from a per-process cache, so the hot path makes no database round trip.
 */
export interface SessionGuard {
  /** Throws LimitedCartError('UNAUTHENTICATED') when the session no longer stands. */
  check(claims: SessionClaims): Promise<void>;
  /** Drops what this process cached about an account (an `account.changed` event arrived). */
  forget(customerId: string): void;
}

export interface SessionGuardOptions {
  readonly customers: Pick<CustomerStore, 'get'>;
  readonly sessions: Pick<SessionStore, 'get'>;
  /** The longest an entry is trusted: the bound on how late a change reaches this process. */
  readonly ttlMs: number;
  /** Accounts kept at most; the least recently loaded go first. Default 100,000. */
  readonly maxAccounts?: number;
  readonly now?: () => number;
}

interface AccountState {
  readonly disabled: boolean;
  readonly version: number;
}

/**
 * No expiry here: an access token is issued only by a login or a refresh, each of which moves the session's expiry
 * a refresh lifetime ahead, far past the access token's own `exp`.
 */
interface SessionState {
  readonly customerId: string;
  readonly revoked: boolean;
}

interface Entry {
  /** When the reads behind this entry started: its age bounds how stale it can be. */
  readonly loadedAt: number;
  readonly account: Promise<AccountState | null>;
  readonly sessions: Map<string, Promise<SessionState | null>>;
  refreshing: boolean;
}

const refuse = (why: string): never => {
  throw new LimitedCartError('UNAUTHENTICATED', why);
};

/**
 * The cache behind `SessionGuard`. One entry per account holds the account's state and the state of each session
 * seen with it. An entry is trusted for `ttlMs`; from half that age on, a request still answers from it while the
 * entry is re-read in the background, so an active shopper never waits on the database, and a change made anywhere
 * is seen within `ttlMs` even when no event announces it (a row deleted by hand). `forget` (from `account.changed`)
 * makes it immediate in the usual case. Concurrent requests share one read; a failed read is not cached.
 */
export function createSessionGuard(options: SessionGuardOptions): SessionGuard {
  const { customers, sessions, ttlMs } = options;
  const now = options.now ?? Date.now;
  const maxAccounts = options.maxAccounts ?? 100_000;
  const entries = new Map<string, Entry>();

  const readAccount = async (customerId: string): Promise<AccountState | null> => {
    const customer = await customers.get(customerId);
    return customer ? { disabled: customer.disabled, version: customer.sessionVersion } : null;
  };
  const readSession = async (sessionId: string): Promise<SessionState | null> => {
    const session = await sessions.get(sessionId);
    return session ? { customerId: session.customerId, revoked: session.revokedAt !== null } : null;
  };

  const store = (customerId: string, entry: Entry): Entry => {
    entries.delete(customerId);
    if (entries.size >= maxAccounts) entries.delete(entries.keys().next().value!);
    entries.set(customerId, entry);
    // A failed read must not stick: the next request reads again.
    const drop = () => {
      if (entries.get(customerId) === entry) entries.delete(customerId);
    };
    entry.account.catch(drop);
    for (const session of entry.sessions.values()) session.catch(drop);
    return entry;
  };

  const load = (customerId: string, sessionIds: Iterable<string>): Entry =>
    store(customerId, {
      loadedAt: now(),
      account: readAccount(customerId),
      sessions: new Map([...sessionIds].map((id) => [id, readSession(id)])),
      refreshing: false,
    });

  /** Re-reads an entry in the background and swaps it in once every read of it succeeded. */
  const refreshInBackground = (customerId: string, stale: Entry): void => {
    stale.refreshing = true;
    const loadedAt = now();
    const account = readAccount(customerId);
    const sessionReads = [...stale.sessions.keys()].map((id) => [id, readSession(id)] as const);
    Promise.all([account, ...sessionReads.map(([, read]) => read)]).then(
      () => {
        if (entries.get(customerId) !== stale) return; // forgotten or replaced meanwhile: the newer one stands
        store(customerId, { loadedAt, account, sessions: new Map(sessionReads), refreshing: false });
      },
      () => {
        stale.refreshing = false;
      },
    );
  };

  const entryFor = (customerId: string, sessionId: string): Entry => {
    const current = entries.get(customerId);
    const age = current === undefined ? Number.POSITIVE_INFINITY : now() - current.loadedAt;
    if (current === undefined || age >= ttlMs) return load(customerId, [sessionId]);
    if (age >= ttlMs / 2 && !current.refreshing) refreshInBackground(customerId, current);
    return current;
  };

  return {
    async check({ customerId, sessionId, version }) {
      const entry = entryFor(customerId, sessionId);
      let session = entry.sessions.get(sessionId);
      if (session === undefined) {
        // A session this entry has not seen (a new login): read it now; the entry's age still bounds it.
        session = readSession(sessionId);
        entry.sessions.set(sessionId, session);
        session.catch(() => entry.sessions.delete(sessionId));
      }
      const [account, state] = await Promise.all([entry.account, session]);
      if (account === null) refuse('the account no longer exists');
      if (account!.disabled) refuse('the account is disabled');
      if (account!.version !== version) refuse('the account changed since this token was issued; refresh it');
      if (state === null || state!.customerId !== customerId) refuse('unknown session');
      if (state!.revoked) refuse('the session was signed out');
    },

    forget(customerId) {
      entries.delete(customerId);
    },
  };
}
