import { LimitedCartError, type Role } from '@limitedcart/core';
import type { TokenService } from '@limitedcart/plugin-auth-jwt';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i;

const tokenOf = (header: string | undefined): string | null => (header ? (BEARER.exec(header.trim())?.[1] ?? null) : null);

export interface AuthenticateOptions {
  /**
   * Also accept the token as `?access_token=` (browsers' EventSource cannot send headers). Only for the SSE
   * stream: a token in a URL ends up in logs and history, so no other route takes it.
   */
  readonly allowQueryToken?: boolean;
  /** Let anonymous requests through (a token, when sent, must still be valid). */
  readonly optional?: boolean;
}

/** Verifies the bearer access token and sets `principal`; a missing or bad token is 401 `UNAUTHENTICATED`. */
export const authenticate =
  (tokens: TokenService, options: AuthenticateOptions = {}): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const header = c.req.header('authorization');
    const token = tokenOf(header) ?? (options.allowQueryToken && !header ? (c.req.query('access_token') ?? null) : null);
    if (token === null) {
      if (options.optional && !header) return next();
      throw new LimitedCartError('UNAUTHENTICATED', header ? 'malformed Authorization header' : 'missing bearer token');
    }
    c.set('principal', await tokens.verify(token));
    c.set('accessToken', token);
    await next();
  };

/** 403 `FORBIDDEN` unless the principal has one of `roles`. Runs after `authenticate`. */
export const requireRole =
  (...roles: Role[]): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    if (!c.get('principal').roles.some((role) => roles.includes(role))) {
      throw new LimitedCartError('FORBIDDEN', `requires one of the roles ${roles.join(', ')}`);
    }
    await next();
  };

/** The principal of an authenticated route. */
export const principalOf = (c: { get(key: 'principal'): AppEnv['Variables']['principal'] }) => c.get('principal');

export const actorOf = (c: { get(key: 'principal'): AppEnv['Variables']['principal'] }) => {
  const principal = c.get('principal');
  return { customerId: principal.customerId, roles: principal.roles };
};

/** The caller of a route whose authentication is optional: `{ actor }` when a token was sent, `{}` otherwise. */
export const callerOf = (c: { get(key: 'principal'): AppEnv['Variables']['principal'] }) =>
  // Unset when the optional authentication let an anonymous request through.
  (c.get('principal') as AppEnv['Variables']['principal'] | undefined) === undefined ? {} : { actor: actorOf(c) };
