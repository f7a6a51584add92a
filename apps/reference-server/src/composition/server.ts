import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { POSTGRES_CONNECTION } from '@limitedcart/adapter-postgres';
import { createEngine, type Engine, type Logger } from '@limitedcart/core';
import { AUTH, type AuthService } from '@limitedcart/plugin-auth-jwt';
import { MOCK_PAYMENTS, type MockPaymentGateway } from '@limitedcart/plugin-payment-mock';
import { NOTIFICATIONS } from '@limitedcart/plugin-sse-notifications';
import type { Hono } from 'hono';
import { createApp } from '../app.js';
import { profileOf, type ServerConfig, sagaHeadStartsOf } from '../config.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { drainHttpServer } from '../http/drain.js';
import { createHttpMetrics } from '../http/metrics.js';
import { startTracing, stockGateTracing, traceRequests } from '../observability/index.js';
import { metricsListenerRoutes, opsRoutes } from '../routes/ops.js';
import { type SeedResult, seedDemo } from '../seed.js';
import { bootstrapAdmin } from './bootstrap-admin.js';
import { createPinoLogger } from './logger.js';
import { pluginsFor } from './plugins.js';
import { assertAcceptableSecrets } from './secret-policy.js';
import { type EmbeddedSecrets, ephemeralSecrets, loadOrCreateSecrets, type ServerSecrets } from './secrets.js';
import { httpWebhookDelivery } from './webhook-delivery.js';

export interface StartOptions {
  /** Defaults to pino JSON lines at LOG_LEVEL. */
  readonly logger?: Logger;
  /** SSE heartbeat period (tests shorten it). */
  readonly heartbeatMs?: number;
}

/** A running LimitedCart process: the engine, and the HTTP server when it plays the `api` role. */
export interface RunningServer {
  /** Where this process listens, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  /** The separate `/metrics` listener (METRICS_PORT), or null. */
  readonly metricsUrl: string | null;
  readonly port: number;
  readonly config: ServerConfig;
  readonly profile: ReturnType<typeof profileOf>;
  readonly engine: Engine;
  readonly auth: AuthService;
  readonly gateway: MockPaymentGateway;
  readonly deps: AppDeps;
  /** The demo seed, when it ran. */
  readonly seed: SeedResult | null;
  /**
   * Graceful stop: readiness turns 503, pending webhooks settle, the listener stops accepting, SSE streams end,
   * in-flight requests drain (connections are cut after SHUTDOWN_GRACE_MS), then the engine stops. Idempotent.
   */
  stop(): Promise<void>;
}

const DEFAULT_STOREFRONT = fileURLToPath(new URL('../../../storefront/dist', import.meta.url));

async function secretsFor(config: ServerConfig): Promise<ServerSecrets | EmbeddedSecrets> {
  const fromEnv = { jwtKey: config.JWT_KEY, webhookSecret: config.PAYMENT_WEBHOOK_SECRET, admissionTokenKey: config.ADMISSION_TOKEN_KEY };
  const profile = profileOf(config);
  // Every profile: a published or typed secret is as unsafe on a demo box reachable from the network.
  assertAcceptableSecrets(config);
  if (profile === 'production') {
    // Replicas must share these; a per-replica random secret would reject every other replica's tokens.
    if (!fromEnv.jwtKey || !fromEnv.webhookSecret || !fromEnv.admissionTokenKey) {
      throw new Error('the production profile needs JWT_KEY, PAYMENT_WEBHOOK_SECRET and ADMISSION_TOKEN_KEY');
    }
    return { jwtKey: fromEnv.jwtKey, webhookSecret: fromEnv.webhookSecret, admissionTokenKey: fromEnv.admissionTokenKey };
  }
  if (config.JWT_ALGORITHM === 'EdDSA' && !fromEnv.jwtKey) throw new Error('JWT_ALGORITHM=EdDSA needs JWT_KEY (an Ed25519 PKCS8 PEM)');
  return profile === 'embedded' ? loadOrCreateSecrets(resolve(config.LIMITEDCART_DATA_DIR), fromEnv) : ephemeralSecrets(fromEnv);
}

const listen = (app: Hono<AppEnv>, config: Pick<ServerConfig, 'PORT' | 'HOST'>) =>
  new Promise<ReturnType<typeof serve>>((resolveListen, reject) => {
    const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolveListen(server));
    server.once('error', reject);
  });

const urlOf = (host: string, port: number): string => {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
};

/** Stops a listener that holds no long-lived requests (the metrics one): closes idle and open connections at once. */
const closeNow = (server: ReturnType<typeof serve>) =>
  new Promise<void>((resolveClose) => {
    server.close(() => resolveClose());
    (server as Server).closeAllConnections();
  });

/**
 * Maps the configuration to an engine (`pluginsFor`), starts it, then serves HTTP on its use cases: accounts and
 * the demo seed first, the API (or, for a worker, the probes) last. Whatever started is stopped again if a later
 * step fails.
 */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createPinoLogger({ level: config.LOG_LEVEL });
  const roles = config.LIMITEDCART_ROLES;
  const servesApi = roles.includes('api');
  const profile = profileOf(config);
  const secrets = await secretsFor(config);
  const tracing = startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: 'limitedcart', roles, logger });

  let selfUrl = '';
  // The mock gateway posts its signed webhooks over real HTTP to this server's webhook route (or the public URL
  // when this process serves no API), exactly as an external gateway would.
  const webhookDelivery = httpWebhookDelivery(() => (servesApi ? selfUrl : (config.PUBLIC_URL ?? selfUrl)));
  let engine: Engine;
  const metrics = createHttpMetrics({
    consumerLag: () => engine.ports.eventBus.consumerLag?.() ?? [],
    databasePool: () => {
      if (profile === 'memory') return null;
      const { pool } = engine.resolve(POSTGRES_CONNECTION);
      return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
    },
  });
  try {
    engine = createEngine({
      onEventHandled: metrics.eventHandled,
      plugins: [...pluginsFor(config, { secrets, webhookDelivery }), stockGateTracing(tracing)],
      adapters: { logger },
      config: {
        paymentWindowMs: config.PAYMENT_WINDOW_SECONDS * 1000,
        paymentGraceMs: config.PAYMENT_GRACE_SECONDS * 1000,
        sweepIntervalMs: config.HOLD_SWEEP_INTERVAL_MS,
        sagaHeadStarts: sagaHeadStartsOf(config),
        orderRateLimits: {
          perCustomerPerMinute: config.RATE_LIMIT_ORDERS_PER_MINUTE,
          perAddressPerMinute: config.RATE_LIMIT_ORDERS_PER_IP_PER_MINUTE,
        },
        staleClaimMs: config.IDEMPOTENCY_STALE_CLAIM_SECONDS * 1000,
        defaultLimitPerCustomer: config.DEFAULT_LIMIT_PER_CUSTOMER,
        unitCapPerCustomer: config.UNIT_CAP_PER_CUSTOMER,
        admissionTokenKey: secrets.admissionTokenKey,
        admissionAttempts: config.ADMISSION_ATTEMPTS,
        queueAdmitIntervalMs: config.QUEUE_ADMIT_INTERVAL_MS,
        roles,
      },
    });
  } catch (error) {
    await tracing.shutdown().catch(() => {});
    throw error;
  }
  const auth = engine.resolve(AUTH);
  const gateway = engine.resolve(MOCK_PAYMENTS);
  const shutdown = new AbortController();
  let accepting = true;
  const storefrontDir = config.STOREFRONT_DIR ?? (existsSync(DEFAULT_STOREFRONT) ? DEFAULT_STOREFRONT : null);
  const deps: AppDeps = {
    engine,
    auth,
    hub: engine.resolve(NOTIFICATIONS),
    metrics,
    logger,
    limits: { bodyLimitBytes: config.BODY_LIMIT_BYTES, trustProxy: config.TRUST_PROXY },
    payments: {
      webhookSecret: secrets.webhookSecret,
      webhookToleranceSeconds: config.PAYMENT_WEBHOOK_TOLERANCE_SECONDS,
      publicUrl: () => config.PUBLIC_URL ?? selfUrl,
    },
    refreshCookieSecure: config.AUTH_COOKIE_SECURE === 'auto' ? 'auto' : config.AUTH_COOKIE_SECURE === 'true',
    shutdownSignal: shutdown.signal,
    isAccepting: () => accepting,
    storefrontDir,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ops: { metricsToken: config.METRICS_TOKEN ?? null, metricsPort: config.METRICS_PORT !== undefined },
    cors: { store: config.STORE_CORS, admin: config.ADMIN_CORS },
    sseLimits: { perCustomer: config.SSE_MAX_STREAMS_PER_PRINCIPAL, total: config.SSE_MAX_STREAMS },
    stockStreamsPerAddress: config.STOCK_STREAMS_PER_ADDRESS,
    proofOfWorkSecret: secrets.admissionTokenKey,
  };

  let server: ReturnType<typeof serve> | null = null;
  let metricsServer: ReturnType<typeof serve> | null = null;
  const teardown = async () => {
    if (metricsServer !== null) await closeNow(metricsServer);
    await engine.stop().catch((error: unknown) => logger.error('engine stop failed', { error }));
    // Last, so the spans of the shutdown itself are sent too.
    await tracing.shutdown().catch((error: unknown) => logger.warn('flushing traces failed', { error }));
  };

  let seed: SeedResult | null = null;
  try {
    await engine.start();
    await bootstrapAdmin(engine, auth, config, logger);
    if ((config.SEED_DEMO ?? (profile === 'production' ? 'false' : 'true')) === 'true') {
      // The demo passwords are kept in the data dir in the memory profile too: it is where the CLI points to, since
      // they are printed on a terminal only.
      seed = await seedDemo({ engine, accounts: auth.accounts, dataDir: profile === 'production' ? null : resolve(config.LIMITEDCART_DATA_DIR) });
    }
    // A worker-only process still answers the probes and metrics.
    const app: Hono<AppEnv> = servesApi ? createApp(deps, tracing.enabled ? [traceRequests(tracing)] : []) : opsRoutes(deps);
    if (config.METRICS_PORT !== undefined) {
      metricsServer = await listen(metricsListenerRoutes(deps), { PORT: config.METRICS_PORT, HOST: config.HOST });
    }
    server = await listen(app, config);
  } catch (error) {
    await teardown();
    throw error;
  }

  const port = (server.address() as AddressInfo).port;
  selfUrl = urlOf(config.HOST, port);
  const metricsUrl = metricsServer === null ? null : urlOf(config.HOST, (metricsServer.address() as AddressInfo).port);
  logger.info('limitedcart started', { url: selfUrl, profile, roles, plugins: engine.plugins, storefront: storefrontDir ?? 'landing page' });

  const httpServer = server;
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      accepting = false;
      const grace = config.SHUTDOWN_GRACE_MS;
      // Webhooks already sent are delivered while this server still takes them.
      await withDeadline(gateway.settle(), grace);
      shutdown.abort();
      // Not httpServer.close(): it destroys connections that look idle but may hold a request not read yet.
      const drained = await drainHttpServer(httpServer as Server, { graceMs: grace });
      if (!drained) logger.warn('grace period over; closed the remaining connections', { graceMs: grace });
      await teardown();
      logger.info('limitedcart stopped');
    })();
    return stopping;
  };

  return { url: selfUrl, metricsUrl, port, config, profile, engine, auth, gateway, deps, seed, stop };
}

/** true when `promise` settled within `ms`. */
async function withDeadline(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolveDeadline) => {
    timer = setTimeout(() => resolveDeadline(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
