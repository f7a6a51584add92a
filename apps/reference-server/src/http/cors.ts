import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './context.js';

/** Origins allowed to call the API from a browser (STORE_CORS, ADMIN_CORS). */
export interface CorsSettings {
  /** Storefronts: every route but the staff-only areas. */
  readonly store: readonly string[];
  /** Admin front ends: every route. */
  readonly admin: readonly string[];
}

/** Areas only staff use: a storefront origin never needs them, so it is not allowed to call them. */
const STAFF_AREAS = ['/api/admin/', '/api/inventory/'];

/** Where a cookie session may live (refresh and logout): the only routes that answer credentialed requests. */
const CREDENTIALED = '/api/auth/';

/**
 * CORS for the headless API (hono's middleware): an exact allow-list, never the request's origin reflected; no
 * `Access-Control-Allow-Origin` at all for anyone else (the default, with both lists empty). Bearer tokens travel in
 * the Authorization header, which needs no credentials mode, so `Access-Control-Allow-Credentials` is sent only on
 * /api/auth/*. Preflights are answered here, before authentication (a browser sends them without the token).
 */
export function corsFor(settings: CorsSettings): MiddlewareHandler<AppEnv> {
  const store = new Set(settings.store);
  const admin = new Set(settings.admin);
  const allowed = (origin: string, path: string): string | null => {
    if (admin.has(origin)) return origin;
    return store.has(origin) && !STAFF_AREAS.some((area) => path.startsWith(area)) ? origin : null;
  };
  const options = (credentials: boolean) => ({
    origin: (origin: string, c: { req: { path: string } }) => allowed(origin, c.req.path),
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'last-event-id', 'x-request-id'],
    exposeHeaders: ['retry-after', 'x-request-id', 'idempotent-replayed', 'x-server-time'],
    maxAge: 600,
    credentials,
  });
  const plain = cors(options(false));
  const credentialed = cors(options(true));
  return (c, next) => {
    // Not a browser's cross-origin request: nothing to add, and a bare OPTIONS gets its Allow from the router.
    if (c.req.header('origin') === undefined) return next();
    return c.req.path.startsWith(CREDENTIALED) ? credentialed(c, next) : plain(c, next);
  };
}
