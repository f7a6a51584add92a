import { OpenAPIHono, type RouteConfig, type RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from './context.js';
import { validationHook } from './errors.js';

/** The context a route's handler gets: validated input typed from the route's schemas. */
export type RouteContext<R extends RouteConfig> = Parameters<RouteHandler<R, AppEnv>>[0];

/** A router whose validation failures become 400 `VALIDATION` problems. */
export const router = (): OpenAPIHono<AppEnv> => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/**
 * Registers a documented route. Handlers return plain Responses: problems and replayed idempotent responses
 * are not expressible in zod-openapi's per-status response typing, so the response schemas are enforced by
 * the HTTP tests rather than the compiler. Request validation is unaffected.
 */
export function mount<R extends RouteConfig>(
  app: OpenAPIHono<AppEnv>,
  route: R,
  handler: (c: RouteContext<R>) => Response | Promise<Response>,
): void {
  app.openapi(route, handler as never);
}

