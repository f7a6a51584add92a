import { createHash, randomBytes } from 'node:crypto';
import {
  accountChangedEvent,
  type Customer,
  type CustomerStore,
  LimitedCartError,
  type OutboxStore,
  type SessionRevocation,
  type SessionStore,
} from '@limitedcart/core';
import type { IssuedToken, TokenService } from './tokens.js';

/** A signed-in session as handed to its client: a short-lived access token and the refresh token that renews it. */
export interface SessionTokens extends IssuedToken {
  readonly sessionId: string;
  /** Opaque, single use: each refresh returns the next one and retires this one. */
  readonly refreshToken: string;
  /** Seconds until the refresh token expires unless used. */
  readonly refreshExpiresIn: number;
}

export type RefreshResult =
  | ({ readonly ok: true; readonly customer: Customer } & SessionTokens)
  /** Unknown, rotated away (which ends its session), revoked or expired token, or an account gone or disabled. */
  | { readonly ok: false; readonly reason: 'INVALID_REFRESH_TOKEN' };

export interface LogoutInput {
  /** The refresh token of the session to end (the browser's cookie, or a body field for other clients). */
  readonly refreshToken?: string;
  /** The session of a verified access token, when no refresh token came. */
  readonly sessionId?: string;
  /** End every session of the account the token or session belongs to. */
  readonly all?: boolean;
}

export interface SessionService {
  /** Starts a session for a customer who just proved who they are. */
  open(customer: Customer): Promise<SessionTokens>;
  /** Rotates a refresh token: the presented one is retired, a new pair is issued with the account's current roles. */
  refresh(refreshToken: string): Promise<RefreshResult>;
  /** Ends the session (or, with `all`, every session of its account); the ids ended. Unknown tokens end nothing. */
  logout(input: LogoutInput): Promise<readonly string[]>;
  /** Ends every session of an account (its password was reset); the ids ended. */
  endAll(customerId: string): Promise<readonly string[]>;
}

export interface SessionServiceDeps {
  readonly customers: Pick<CustomerStore, 'get'>;
  readonly sessions: SessionStore;
  readonly outbox: Pick<OutboxStore, 'append'>;
  readonly tokens: TokenService;
  readonly refreshTtlSeconds: number;
  /** How long the token a refresh replaced may be presented again (a retry whose answer was lost). Default 0. */
  readonly refreshReuseGraceSeconds?: number;
}

/** Stored instead of the token: a database dump yields no usable refresh token. 256 random bits need no salt. */
export const hashRefreshToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

const newRefreshToken = (): string => randomBytes(32).toString('base64url');

/** Refresh tokens are 43 base64url characters; anything else is refused before any lookup. */
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function createSessionService(deps: SessionServiceDeps): SessionService {
  const { customers, sessions, outbox, tokens } = deps;
  const ttlMs = deps.refreshTtlSeconds * 1000;
  const rotation = { reuseGraceMs: (deps.refreshReuseGraceSeconds ?? 0) * 1000 };

  const issue = async (customer: Customer, sessionId: string, refreshToken: string): Promise<SessionTokens> => {
    const access = await tokens.issue({
      customerId: customer.id,
      email: customer.email,
      roles: customer.roles,
      sessionId,
      version: customer.sessionVersion,
    });
    return { ...access, sessionId, refreshToken, refreshExpiresIn: deps.refreshTtlSeconds };
  };

  /** Tells every api process to drop the ended sessions from its token checks now rather than within their TTL. */
  const announce = async (customerId: string, ended: readonly string[]) => {
    if (ended.length > 0) await outbox.append([accountChangedEvent(customerId, 'sessions-revoked', new Date(), ended)]);
  };

  const end = async (sessionId: string, reason: SessionRevocation): Promise<readonly string[]> => {
    const session = await sessions.revoke(sessionId, reason);
    if (!session) return [];
    await announce(session.customerId, [session.id]);
    return [session.id];
  };

  return {
    async open(customer) {
      if (customer.disabled) throw new LimitedCartError('FORBIDDEN', 'the account is disabled');
      const refreshToken = newRefreshToken();
      const session = await sessions.create({ customerId: customer.id, refreshTokenHash: hashRefreshToken(refreshToken), ttlMs });
      return issue(customer, session.id, refreshToken);
    },

    async refresh(refreshToken) {
      if (typeof refreshToken !== 'string' || !REFRESH_TOKEN.test(refreshToken)) return { ok: false, reason: 'INVALID_REFRESH_TOKEN' };
      const next = newRefreshToken();
      const rotated = await sessions.rotate(hashRefreshToken(refreshToken), hashRefreshToken(next), ttlMs, rotation);
      if (!rotated.ok) {
        // A replayed token revoked its session in the store; the api processes hear of it now.
        if (rotated.reason === 'REUSED') await announce(rotated.session.customerId, [rotated.session.id]);
        return { ok: false, reason: 'INVALID_REFRESH_TOKEN' };
      }
      const customer = await customers.get(rotated.session.customerId);
      if (customer === null || customer.disabled) {
        await end(rotated.session.id, 'ACCOUNT_DISABLED');
        return { ok: false, reason: 'INVALID_REFRESH_TOKEN' };
      }
      return { ok: true, customer, ...(await issue(customer, rotated.session.id, next)) };
    },

    async logout({ refreshToken, sessionId, all }) {
      const session =
        refreshToken !== undefined && REFRESH_TOKEN.test(refreshToken)
          ? await sessions.findByRefreshToken(hashRefreshToken(refreshToken))
          : sessionId !== undefined
            ? await sessions.get(sessionId)
            : null;
      if (session === null) return [];
      if (!all) return end(session.id, 'LOGOUT');
      const ended = await sessions.revokeAll(session.customerId, 'LOGOUT_ALL');
      await announce(session.customerId, ended);
      return ended;
    },

    async endAll(customerId) {
      const ended = await sessions.revokeAll(customerId, 'LOGOUT_ALL');
      await announce(customerId, ended);
      return ended;
    },
  };
}
