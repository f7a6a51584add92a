import type { Actor, Role } from '@limitedcart/core';
import { createMiddleware } from 'hono/factory';

/** Who the host application says is calling. LimitedCart only needs the id and the roles. */
export interface ShopUser {
  readonly customerId: string;
  readonly roles: readonly Role[];
}

/** The host app's Hono environment: its auth middleware puts the caller in `c.var.user`. */
export interface ShopEnv {
  Variables: { user: ShopUser };
}

/**
 * The host application's own authentication, standing in for whatever an integrator already has (sessions,
 * an identity provider, API keys). Here: an `X-Api-Key` header looked up in a key table. LimitedCart never
 * sees the key, only the customer id it maps to.
 */
export const apiKeyAuth = (keys: ReadonlyMap<string, ShopUser>) =>
  createMiddleware<ShopEnv>(async (c, next) => {
    const key = c.req.header('x-api-key');
    const user = key === undefined ? undefined : keys.get(key);
    if (user === undefined) {
      return c.json({ code: 'UNAUTHENTICATED', detail: 'a valid X-Api-Key header is required' }, 401);
    }
    c.set('user', user);
    await next();
  });

/** The caller as LimitedCart's use cases take it: ownership checks compare `customerId`. */
export const actorOf = (user: ShopUser): Actor => ({ customerId: user.customerId, roles: user.roles });
