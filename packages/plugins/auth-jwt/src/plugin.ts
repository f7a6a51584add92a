import { definePlugin, defineToken, EVENT_TYPES, type Plugin, TOPICS } from '@limitedcart/core';
import { type AccountService, createAccountService } from './accounts.js';
import type { AbuseLimits } from './login-limits.js';
import { AUTH_DEFAULTS, type AuthOptions } from './options.js';
import { createSessionGuard, type SessionGuard } from './session-guard.js';
import { createSessionService, type SessionService } from './sessions.js';
import { createTokenService, type TokenService } from './tokens.js';

export interface JwtAuthOptions extends AuthOptions, Partial<AbuseLimits> {
  /** Refresh-token lifetime in seconds, renewed by each refresh. Default 14 days. */
  readonly refreshTtlSeconds?: number;
  /** Seconds after a refresh during which the replaced refresh token may be retried (0 – 300). Default 30. */
  readonly refreshReuseGraceSeconds?: number;
  /**
   * How long each process trusts what it read about an account and a session (ms). The bound on how late a role
   * change, a lock, a deletion or a logout takes effect on a token check. Default 5000.
   */
  readonly sessionCheckTtlMs?: number;
}

/** What the plugin registers: accounts (register, login), sessions (refresh, logout) and the token service routes verify with. */
export interface AuthService {
  readonly accounts: AccountService;
  readonly sessions: SessionService;
  readonly tokens: TokenService;
  /** This process's cache of account and session state behind `tokens.verify`. */
  readonly guard: SessionGuard;
}

export const AUTH = defineToken<AuthService>('limitedcart.auth-jwt');

const positive = (value: number | undefined, name: string): void => {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw new TypeError(`jwtAuth(): ${name} must be a positive integer`);
};

/**
 * Accounts with scrypt password hashes, sessions with rotating refresh tokens (stored hashed in the engine's
 * SessionStore) and short-lived jose access tokens with the algorithm pinned. Every token check also asks a
 * per-process cache whether the session still stands (account present, not locked, same roles version, session not
 * revoked): entries live `sessionCheckTtlMs`, and `account.changed` events drop them at once on every api process.
 * Registers `AUTH` (`engine.resolve(AUTH)`); `authenticate(tokens)` and `requireRole(...)` are the Hono middleware.
 *
 * ```ts
 * const engine = createEngine({ plugins: [jwtAuth({ key: process.env.JWT_KEY! })] });
 * const { accounts, sessions } = engine.resolve(AUTH);
 * ```
 */
export function jwtAuth(options: JwtAuthOptions): Plugin {
  // Checked now, so a short or malformed key or a bad limit fails where the plugin is configured, not at the first login.
  createTokenService(options);
  for (const name of ['refreshTtlSeconds', 'sessionCheckTtlMs', 'loginAttemptsPerMinute', 'loginAttemptsPerAccountAddress', 'registrationsPerAddressPerHour'] as const) {
    positive(options[name], name);
  }
  const grace = options.refreshReuseGraceSeconds;
  if (grace !== undefined && (!Number.isSafeInteger(grace) || grace < 0 || grace > 300)) {
    throw new TypeError('jwtAuth(): refreshReuseGraceSeconds must be an integer from 0 to 300');
  }
  return definePlugin({
    name: 'auth-jwt',
    setup(ctx) {
      ctx.register(AUTH, {
        useFactory: ({ ports }) => {
          const guard = createSessionGuard({
            customers: ports.customers,
            sessions: ports.sessions,
            ttlMs: options.sessionCheckTtlMs ?? AUTH_DEFAULTS.sessionCheckTtlMs,
          });
          const tokens = createTokenService(options, guard);
          const sessions = createSessionService({
            customers: ports.customers,
            sessions: ports.sessions,
            outbox: ports.outbox,
            tokens,
            refreshTtlSeconds: options.refreshTtlSeconds ?? AUTH_DEFAULTS.refreshTtlSeconds,
            refreshReuseGraceSeconds: grace ?? AUTH_DEFAULTS.refreshReuseGraceSeconds,
          });
          const accounts = createAccountService({ customers: ports.customers, sessions, rateLimiter: ports.rateLimiter, limits: options });
          return { accounts, sessions, tokens, guard };
        },
      });
      // Every api process hears every account change (a process subscription), so a role change, a lock or a
      // logout reaches its token checks as soon as the event does; the cache's TTL covers a lost event.
      ctx.subscribe(
        TOPICS.accounts,
        'limitedcart.auth-jwt.sessions',
        async (event, engine) => {
          const customerId = event.payload.customerId;
          if (event.type === EVENT_TYPES.accountChanged && typeof customerId === 'string') engine.resolve(AUTH).guard.forget(customerId);
        },
        { scope: 'process' },
      );
    },
  });
}
