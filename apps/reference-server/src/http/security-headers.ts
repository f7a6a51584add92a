import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './context.js';

/**
 * Content-Security-Policy by what a response is, with hono's secure headers (nosniff, frame and referrer policies)
 * on all of them:
 *
 * - the API's JSON: nothing may load or frame it;
 * - the Swagger UI page: its script, styles and images from this server only (swagger-ui-dist, self-hosted), no
 *   inline script or style (it renders without; the browser suite checks every violation);
 * - the storefront (and the landing page): scripts from this server only, no inline script, no eval, calls to this
 *   server only. Styles allow 'unsafe-inline' because Mantine writes its theme into a <style> element at run time;
 *   scripts, the real injection risk, stay strict.
 */
const common = { frameAncestors: ["'none'"], baseUri: ["'none'"], objectSrc: ["'none'"] };

const api = secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"], ...common } });

const docs = secureHeaders({
  crossOriginEmbedderPolicy: false,
  contentSecurityPolicy: {
    ...common,
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    formAction: ["'none'"],
  },
});

const storefront = secureHeaders({
  crossOriginEmbedderPolicy: false,
  contentSecurityPolicy: {
    ...common,
    baseUri: ["'self'"],
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
  },
});

/** Paths of the Swagger UI page and its assets. */
export const DOCS_PATH = '/api/docs';

export const securityHeaders: MiddlewareHandler<AppEnv> = (c, next) => {
  const path = c.req.path;
  if (path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`)) return docs(c, next);
  if (path.startsWith('/api/')) return api(c, next);
  return storefront(c, next);
};
