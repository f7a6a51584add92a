import { LimitedCartError, type Role } from '@limitedcart/core';
import type { MiddlewareHandler } from 'hono';
import type { Principal, TokenService } from './tokens.js';

/** Hono variables set by `authenticate`. */
export interface AuthVariables {
  principal: Principal;
}

const bearer = (header: string | undefined): string | null => {
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  return match?.[1] ?? null;
};

/**
 * Requires a valid access token (Authorization: Bearer). Errors are thrown as LimitedCartError and mapped to
 * problem+json by the server's error handler.
 */
export const authenticate =
  (tokens: TokenService): MiddlewareHandler<{ Variables: AuthVariables }> =>
  async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (!token) throw new LimitedCartError('UNAUTHENTICATED', 'missing bearer token');
    c.set('principal', await tokens.verify(token));
    await next();
  };

/** Allows the request when the principal has at least one of `roles`. Run after `authenticate`. */
export const requireRole =
  (...roles: Role[]): MiddlewareHandler<{ Variables: AuthVariables }> =>
  async (c, next) => {
    const principal = c.get('principal');
    if (!principal.roles.some((role) => roles.includes(role))) {
      throw new LimitedCartError('FORBIDDEN', `requires one of the roles ${roles.join(', ')}`);
    }
    await next();
  };

export const hasRole = (principal: Principal, role: Role): boolean => principal.roles.includes(role);
