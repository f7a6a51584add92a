import type { Context, Hono } from 'hono';
import type { AppEnv } from './context.js';
import { problemResponse } from './problem.js';

interface RoutePattern {
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

/** Hono path syntax (`/api/orders/:id`) as a regular expression of the whole path. */
const toPattern = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+')}/?$`);

/** The methods each concrete route path answers (catch-alls such as the storefront's `*` are left out). */
function routeTable(app: Hono<AppEnv>): RoutePattern[] {
  const byPath = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method.toUpperCase());
    if (route.method.toUpperCase() === 'GET') methods.add('HEAD');
    byPath.set(route.path, methods);
  }
  return [...byPath].map(([path, methods]) => ({ pattern: toPattern(path), methods }));
}

/**
 * Answers what no route took: `TRACE` (never served: it would echo the request, credentials included) and a known
 * path asked with a method it lacks get 405 with `Allow`; a bare `OPTIONS` on a known path gets 204 with `Allow`
 * (CORS preflights are answered before this); everything else falls through to the 404. Runs as the not-found
 * handler's first step, so it costs nothing on matched requests. The table is built on first use, when every route
 * is registered.
 */
export function methodNotAllowed(app: Hono<AppEnv>): (c: Context<AppEnv>) => Response | null {
  let table: RoutePattern[] | null = null;
  return (c) => {
    table ??= routeTable(app);
    const method = c.req.method.toUpperCase();
    const allowed = new Set<string>();
    for (const route of table) if (route.pattern.test(c.req.path)) for (const m of route.methods) allowed.add(m);
    if (allowed.size === 0 && method !== 'TRACE') return null;
    const allow = [...allowed, 'OPTIONS'].join(', ');
    if (method === 'OPTIONS' && allowed.size > 0) return c.body(null, 204, { allow });
    if (allowed.has(method)) return null;
    c.header('allow', allowed.size > 0 ? allow : '');
    return problemResponse(c, 405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${c.req.path}`);
  };
}

