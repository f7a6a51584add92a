import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/context.js';

/** Liveness, readiness and Prometheus metrics, outside /api so probes bypass API middleware concerns. */
export function opsRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  // Liveness: the process answers. Dependencies are readiness' business; failing liveness on a database
  // outage would make Kubernetes restart every replica at once.
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200));

  app.get('/readyz', async (c) => {
    const health = await deps.engine.health();
    const accepting = deps.isAccepting();
    const ready = health.ok && accepting;
    const checks = accepting ? health.checks : [...health.checks, { name: 'server', ok: false, detail: 'draining' }];
    return c.json({ status: ready ? 'ready' : 'unavailable', checks }, ready ? 200 : 503);
  });

  app.get('/metrics', async (c) =>
    c.body(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType }),
  );

  return app;
}
