import { definePlugin, defineToken, type Plugin } from '@limitedcart/core';
import { type AccountService, createAccountService } from './accounts.js';
import type { AuthOptions } from './options.js';
import { createTokenService, type TokenService } from './tokens.js';

export interface JwtAuthOptions extends AuthOptions {
  /** Login attempts per minute per client address and per email, counted by the engine's rate limiter. Default 20. */
  readonly loginAttemptsPerMinute?: number;
}

/** What the plugin registers: accounts (register, login) and the token service routes verify with. */
export interface AuthService {
  readonly accounts: AccountService;
  readonly tokens: TokenService;
}

export const AUTH = defineToken<AuthService>('limitedcart.auth-jwt');

/**
 * Accounts with scrypt password hashes and jose access tokens with the algorithm pinned. Registers `AUTH`
 * (`engine.resolve(AUTH)`), built on the engine's customer store and rate limiter; `authenticate(tokens)` and
 * `requireRole(...)` are the Hono middleware for hosts that mount routes.
 *
 * ```ts
 * const engine = createEngine({ plugins: [jwtAuth({ key: process.env.JWT_KEY! })] });
 * const { accounts } = engine.resolve(AUTH);
 * ```
 */
export function jwtAuth(options: JwtAuthOptions): Plugin {
  // Checked now, so a short or malformed key fails where the plugin is configured, not at the first login.
  createTokenService(options);
  return definePlugin({
    name: 'auth-jwt',
    setup(ctx) {
      ctx.register(AUTH, {
        useFactory: ({ ports }) => {
          const tokens = createTokenService(options);
          const accounts = createAccountService({
            customers: ports.customers,
            tokens,
            rateLimiter: ports.rateLimiter,
            ...(options.loginAttemptsPerMinute === undefined ? {} : { loginAttemptsPerMinute: options.loginAttemptsPerMinute }),
          });
          return { accounts, tokens };
        },
      });
    },
  });
}
