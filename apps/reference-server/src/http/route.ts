import { OpenAPIHono, type RouteConfig, type RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from './context.js';
import { declaredHeaders } from './declared-headers.js';
import { validationHook } from './errors.js';
import { requireBody } from './json-body.js';

/** The context a route's handler gets: validated input typed from the route's schemas. */
export type RouteContext<R extends RouteConfig> = Parameters<RouteHandler<R, AppEnv>>[0];

/** A router whose validation failures become 400 `VALIDATION` problems. */
export const router = (): OpenAPIHono<AppEnv> => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/**
 * Registers a documented route. Handlers return plain Responses: problems and replayed idempotent responses
 * are not expressible in zod-openapi's per-status response typing, so the response schemas are enforced by
 * the HTTP tests rather than the compiler. Request validation is unaffected. Declared headers are validated
 * by `declaredHeaders` (the route is documented as declared, and served without zod-openapi's header validator).
 */
export function mount<R extends RouteConfig>(
  app: OpenAPIHono<AppEnv>,
  declared: R,
  handler: (c: RouteContext<R>) => Response | Promise<Response>,
): void {
  const route = declared.request?.body?.required ? withMiddleware(declared, requireBody) : declared;
  const headers = route.request?.headers;
  if (!headers || !('shape' in headers) || route.hide) {
    app.openapi(route, handler as never);
    return;
  }
  const { middleware, hide: _hide, ...documented } = route;
  app.openAPIRegistry.registerPath(documented);
  const served = {
    ...route,
    hide: true,
    request: { ...route.request, headers: undefined },
    middleware: [...(Array.isArray(middleware) ? middleware : middleware ? [middleware] : []), declaredHeaders(headers)],
  };
  app.openapi(served as R, handler as never);
}

/**
 * A route whose body the document declares required gets a 400 without one: the JSON validator would otherwise
 * validate `{}` in its place, and a PATCH with no body would succeed as an empty patch.
 */
function withMiddleware<R extends RouteConfig>(route: R, first: NonNullable<RouteConfig['middleware']>): R {
  const { middleware } = route;
  const rest = Array.isArray(middleware) ? middleware : middleware ? [middleware] : [];
  return { ...route, middleware: [...rest, ...(Array.isArray(first) ? first : [first])] };
}
