import { timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { authenticate, requireRole } from '../http/auth.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { onError } from '../http/errors.js';
import { problemResponse } from '../http/problem.js';

/** Roles that see readiness detail: the adapters a deployment runs and their errors are reconnaissance for anyone else. */
const STAFF = ['ADMIN', 'WAREHOUSE'] as const;

/** Liveness, readiness and Prometheus metrics, outside /api so probes bypass API middleware concerns. */
export function opsRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  // Also the whole app of a worker process: refusals become problem+json there too.
  app.onError(onError);
  const signedInIfToken = authenticate(deps.auth.tokens, { optional: true });

  // Liveness: the process answers. Dependencies are readiness' business; failing liveness on a database
  // outage would make Kubernetes restart every replica at once.
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200));

  // The probe itself is anonymous and gets the bare status; staff (a bearer token) also get every check.
  app.get('/readyz', signedInIfToken, async (c) => {
    const health = await deps.engine.health();
    const accepting = deps.isAccepting();
    const ready = health.ok && accepting;
    const status = ready ? ('ready' as const) : ('unavailable' as const);
    const principal = c.get('principal') as AppEnv['Variables']['principal'] | undefined;
    if (!principal?.roles.some((role) => (STAFF as readonly string[]).includes(role))) return c.json({ status }, ready ? 200 : 503);
    const checks = accepting ? health.checks : [...health.checks, { name: 'server', ok: false, detail: 'draining' }];
    return c.json({ status, checks }, ready ? 200 : 503);
  });

  if (deps.ops?.metricsPort !== true) {
    app.get('/metrics', metricsAccess(deps), async (c) =>
      c.body(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType }),
    );
  }

  return app;
}

/** `/metrics` alone, anonymous: the app of the separate METRICS_PORT listener, which the ingress does not route to. */
export function metricsListenerRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/metrics', async (c) => c.body(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType }));
  return app;
}

/**
 * `/metrics` on the main listener is never anonymous: the scraper's `METRICS_TOKEN`, or an ADMIN access token (the
 * admin pages read order outcomes from it). With METRICS_PORT it is served only on that listener (see server.ts).
 */
function metricsAccess(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const expected = deps.ops?.metricsToken ? Buffer.from(deps.ops.metricsToken) : null;
  const signedIn = authenticate(deps.auth.tokens);
  const admin = requireRole('ADMIN');
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined) {
      c.header('www-authenticate', 'Bearer realm="metrics"');
      return problemResponse(c, 401, 'UNAUTHENTICATED', 'metrics need the metrics token or an ADMIN access token');
    }
    const given = Buffer.from(header.replace(/^Bearer\s+/i, '').trim());
    // Compared in constant time: the token is a long-lived secret.
    if (expected !== null && given.length === expected.length && timingSafeEqual(given, expected)) return next();
    await signedIn(c, async () => {
      await admin(c, next);
    });
  };
}
