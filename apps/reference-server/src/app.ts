import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from './http/context.js';
import { compressResponses } from './http/compression.js';
import { corsFor } from './http/cors.js';
import { closeConnectionsWhenDraining } from './http/draining.js';
import { notFoundProblem, onError, validationHook } from './http/errors.js';
import { limitBodySize, requireJsonBodies } from './http/json-body.js';
import { methodNotAllowed } from './http/methods.js';
import { withEdgeResponses } from './http/openapi-document.js';
import { requestIds, requestLog } from './http/request-context.js';
import { DOCS_PATH, securityHeaders } from './http/security-headers.js';
import { serverTimeHeader } from './http/server-time.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { docsRoutes } from './routes/docs.js';
import { inventoryRoutes } from './routes/inventory.js';
import { documentNotificationStream, notificationRoutes } from './routes/notifications.js';
import { opsRoutes } from './routes/ops.js';
import { orderRoutes } from './routes/orders.js';
import { paymentRoutes } from './routes/payments.js';
import { productRoutes } from './routes/products.js';
import { adminQueueRoutes, dropQueueRoutes } from './routes/queue.js';
import { storefrontRoutes } from './routes/storefront.js';
import { timeRoutes } from './routes/time.js';

export type { AppDeps } from './http/context.js';

export const OPENAPI_PATH = '/api/openapi.json';

/**
 * The LimitedCart HTTP API (ARCHITECTURE §6) over a started engine: every route under `/api`, validated by
 * the schemas that also produce `/api/openapi.json`; probes and metrics at the root; the storefront at `/`.
 * Errors are RFC 9457 problem+json with a stable `code`. `outermost` middleware (tracing) runs before all else.
 */
export function createApp(deps: AppDeps, outermost: readonly MiddlewareHandler<AppEnv>[] = []): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(onError);
  const notAllowed = methodNotAllowed(app);
  app.notFound((c) => notAllowed(c) ?? notFoundProblem(c));

  for (const middleware of outermost) app.use('*', middleware);

  app.use('*', closeConnectionsWhenDraining(deps.isAccepting));

  app.use('*', requestIds());
  app.use('*', deps.metrics.middleware());
  app.use('*', requestLog(deps.logger));
  app.use('*', securityHeaders);
  app.use('*', serverTimeHeader(deps.engine));
  app.use('*', compressResponses());
  app.use('/api/*', corsFor(deps.cors ?? { store: [], admin: [] }));
  app.use('/api/*', limitBodySize(deps.limits.bodyLimitBytes));
  app.use('/api/*', requireJsonBodies);

  app.route('/api/auth', authRoutes(deps));
  app.route('/api/products', productRoutes(deps));
  app.route('/api/inventory', inventoryRoutes(deps));
  app.route('/api/orders', orderRoutes(deps));
  app.route('/api/payments', paymentRoutes(deps));
  app.route('/api/notifications', notificationRoutes(deps));
  app.route('/api/drops', dropQueueRoutes(deps));
  app.route('/api/admin/drops', adminQueueRoutes(deps));
  app.route('/api/admin', adminRoutes(deps));
  app.route('/api/time', timeRoutes(deps));
  documentNotificationStream(app, '/api/notifications/stream');

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  const documentConfig = {
    openapi: '3.0.3',
    info: {
      title: 'LimitedCart API',
      version: '0.1.0',
      description:
        'Headless commerce for limited-inventory drops. Money is `{amount: integer minor units, currency: "USD"}`; ' +
        'errors are RFC 9457 problem+json with a stable `code`. Lists page with `page` (0-based) and `size`. Every ' +
        "response carries the server's time in `X-Server-Time` (milliseconds since the epoch; see `GET /api/time`).",
    },
    tags: ['auth', 'products', 'inventory', 'orders', 'payments', 'notifications', 'admin', 'time'].map((name) => ({ name })),
  } as const;
  // Built once, at the first request, when every route is registered; the edge's own answers are added to it.
  let document: ReturnType<typeof app.getOpenAPIDocument> | undefined;
  app.get(OPENAPI_PATH, (c) => {
    document ??= withEdgeResponses(app.getOpenAPIDocument(documentConfig));
    return c.json(document);
  });
  app.route('/', docsRoutes(DOCS_PATH, OPENAPI_PATH));

  app.route('/', opsRoutes(deps));
  app.route('/', storefrontRoutes(deps.storefrontDir));
  return app;
}
