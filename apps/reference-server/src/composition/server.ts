import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createEngine, type Engine, type Logger } from '@limitedcart/core';
import { type AccountService, createAccountService, createTokenService, type TokenService } from '@limitedcart/plugin-auth-jwt';
import { createMockPaymentGateway, type MockPaymentGateway } from '@limitedcart/plugin-payment-mock';
import { createLunrSearchIndex } from '@limitedcart/plugin-search-lunr';
import { createNotificationHub } from '@limitedcart/plugin-sse-notifications';
import type { Hono } from 'hono';
import { createApp } from '../app.js';
import { profileOf, type ServerConfig } from '../config.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { createHttpMetrics } from '../http/metrics.js';
import { startTracing, traceRequests, withTracedStockGate } from '../observability/index.js';
import { opsRoutes } from '../routes/ops.js';
import { type SeedResult, seedDemo } from '../seed.js';
import { embeddedInfrastructure } from './embedded.js';
import type { Infrastructure } from './infrastructure.js';
import { subscribeLiveUpdates } from './live-updates.js';
import { createPinoLogger } from './logger.js';
import { memoryInfrastructure } from './memory.js';
import { postgresInfrastructure } from './postgres.js';
import { ephemeralSecrets, loadOrCreateSecrets, type ServerSecrets } from './secrets.js';
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
  readonly port: number;
  readonly config: ServerConfig;
  readonly profile: Infrastructure['profile'];
  readonly engine: Engine;
  readonly tokens: TokenService;
  readonly accounts: AccountService;
  readonly gateway: MockPaymentGateway;
  readonly deps: AppDeps;
  /** The demo seed, when it ran. */
  readonly seed: SeedResult | null;
  /**
   * Graceful stop: readiness turns 503, pending webhooks settle, the listener stops accepting, SSE streams end,
   * in-flight requests drain (connections are cut after SHUTDOWN_GRACE_MS), then the engine and the
   * infrastructure stop. Idempotent.
   */
  stop(): Promise<void>;
}

const DEFAULT_STOREFRONT = fileURLToPath(new URL('../../../storefront/dist', import.meta.url));

async function buildInfrastructure(config: ServerConfig, logger: Logger): Promise<Infrastructure> {
  const profile = profileOf(config);
  if (profile === 'memory') return memoryInfrastructure();
  if (profile === 'embedded') return embeddedInfrastructure(config, logger);
  if (!config.DATABASE_URL) throw new Error('the production profile needs DATABASE_URL');
  return postgresInfrastructure(config, logger, { databaseUrl: config.DATABASE_URL, profile: 'production' });
}

async function secretsFor(config: ServerConfig): Promise<ServerSecrets> {
  const fromEnv = { jwtKey: config.JWT_KEY, webhookSecret: config.PAYMENT_WEBHOOK_SECRET };
  const profile = profileOf(config);
  if (profile === 'production') {
    // Replicas must share these; a per-replica random secret would reject every other replica's tokens.
    if (!fromEnv.jwtKey || !fromEnv.webhookSecret) {
      throw new Error('the production profile needs JWT_KEY and PAYMENT_WEBHOOK_SECRET');
    }
    return { jwtKey: fromEnv.jwtKey, webhookSecret: fromEnv.webhookSecret };
  }
  if (config.JWT_ALGORITHM === 'EdDSA' && !fromEnv.jwtKey) throw new Error('JWT_ALGORITHM=EdDSA needs JWT_KEY (an Ed25519 PKCS8 PEM)');
  return profile === 'embedded' ? loadOrCreateSecrets(resolve(config.LIMITEDCART_DATA_DIR), fromEnv) : ephemeralSecrets(fromEnv);
}

const listen = (app: Hono<AppEnv>, config: ServerConfig) =>
  new Promise<ReturnType<typeof serve>>((resolveListen, reject) => {
    const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolveListen(server));
    server.once('error', reject);
  });

/**
 * The composition root: infrastructure for the profile → engine with the plugins → accounts, demo seed and
 * live updates → HTTP server. Everything started is stopped again if a later step fails.
 */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createPinoLogger({ level: config.LOG_LEVEL });
  const roles = config.LIMITEDCART_ROLES;
  const servesApi = roles.includes('api');
  const secrets = await secretsFor(config);
  const infrastructure = await buildInfrastructure(config, logger);
  const tracing = startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: 'limitedcart', roles, logger });

  let selfUrl = '';
  const publicUrl = () => config.PUBLIC_URL ?? selfUrl;
  const gateway = createMockPaymentGateway({
    webhookSecret: secrets.webhookSecret,
    delivery: httpWebhookDelivery(() => (servesApi ? selfUrl : publicUrl())),
    logger: logger.child({ component: 'payment-gateway' }),
  });
  let engine: Engine;
  try {
    engine = createEngine({
      adapters: { ...withTracedStockGate(infrastructure.adapters, tracing), logger, paymentGateway: gateway, searchIndex: createLunrSearchIndex() },
      plugins: infrastructure.plugins,
      config: {
        paymentWindowMs: config.PAYMENT_WINDOW_SECONDS * 1000,
        sweepIntervalMs: config.HOLD_SWEEP_INTERVAL_MS,
        sagaHeadStarts: config.SAGA_HEAD_STARTS,
        roles,
        relay: infrastructure.relay,
        ...(infrastructure.startSagaInline === undefined ? {} : { startSagaInline: infrastructure.startSagaInline }),
      },
    });
  } catch (error) {
    // The embedded Postgres is already running: stop it rather than leave it behind.
    await infrastructure.close().catch(() => {});
    await tracing.shutdown().catch(() => {});
    throw error;
  }
  const tokens = createTokenService({
    key: secrets.jwtKey,
    algorithm: config.JWT_ALGORITHM,
    issuer: config.JWT_ISSUER,
    ttlSeconds: config.JWT_TTL_SECONDS,
  });
  const accounts = createAccountService({ customers: engine.ports.customers, tokens });
  const hub = createNotificationHub();
  const shutdown = new AbortController();
  let accepting = true;
  const storefrontDir = config.STOREFRONT_DIR ?? (existsSync(DEFAULT_STOREFRONT) ? DEFAULT_STOREFRONT : null);
  const deps: AppDeps = {
    engine,
    tokens,
    accounts,
    gateway,
    hub,
    rateLimiter: infrastructure.rateLimiter,
    metrics: createHttpMetrics(),
    reconciliation: infrastructure.reconciliation(engine),
    logger,
    limits: {
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      loginPerMinute: config.RATE_LIMIT_LOGIN_PER_MINUTE,
      ordersPerCustomerPerMinute: config.RATE_LIMIT_ORDERS_PER_MINUTE,
      ordersPerIpPerMinute: config.RATE_LIMIT_ORDERS_PER_IP_PER_MINUTE,
      trustProxy: config.TRUST_PROXY === 'true',
    },
    payments: {
      webhookSecret: secrets.webhookSecret,
      webhookToleranceSeconds: config.PAYMENT_WEBHOOK_TOLERANCE_SECONDS,
      publicUrl,
    },
    shutdownSignal: shutdown.signal,
    isAccepting: () => accepting,
    storefrontDir,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
  };

  let unsubscribeLive: (() => Promise<void>) | null = null;
  let server: ReturnType<typeof serve> | null = null;
  const teardown = async () => {
    await unsubscribeLive?.().catch((error: unknown) => logger.warn('unsubscribing live updates failed', { error }));
    await engine.stop().catch((error: unknown) => logger.error('engine stop failed', { error }));
    await infrastructure.close().catch((error: unknown) => logger.error('closing infrastructure failed', { error }));
    // Last, so the spans of the shutdown itself are sent too.
    await tracing.shutdown().catch((error: unknown) => logger.warn('flushing traces failed', { error }));
  };

  let seed: SeedResult | null = null;
  try {
    await engine.start();
    if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) await bootstrapAdmin(accounts, engine, config.ADMIN_EMAIL, config.ADMIN_PASSWORD, logger);
    const seedDefault = infrastructure.profile === 'production' ? 'false' : 'true';
    if ((config.SEED_DEMO ?? seedDefault) === 'true') {
      seed = await seedDemo({
        engine,
        accounts,
        dataDir: infrastructure.profile === 'embedded' ? resolve(config.LIMITEDCART_DATA_DIR) : null,
      });
    }
    if (servesApi) unsubscribeLive = await subscribeLiveUpdates(engine, infrastructure.notificationsBus(engine), hub);
    // A worker-only process still answers the probes and metrics.
    const app: Hono<AppEnv> = servesApi ? createApp(deps, tracing.enabled ? [traceRequests(tracing)] : []) : opsRoutes(deps);
    server = await listen(app, config);
  } catch (error) {
    await teardown();
    throw error;
  }

  const port = (server.address() as AddressInfo).port;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  selfUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info('limitedcart started', {
    url: selfUrl,
    profile: infrastructure.profile,
    roles,
    ...infrastructure.summary,
    storefront: storefrontDir ?? 'landing page',
  });

  const httpServer = server;
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      accepting = false;
      const grace = config.SHUTDOWN_GRACE_MS;
      await withDeadline(gateway.settle(), grace);
      const closed = new Promise<void>((resolveClose) => httpServer.close(() => resolveClose()));
      shutdown.abort();
      const drained = await withDeadline(closed, grace);
      if (!drained) {
        logger.warn('grace period over; closing remaining connections', { graceMs: grace });
        if ('closeAllConnections' in httpServer) httpServer.closeAllConnections();
        await closed;
      }
      await teardown();
      logger.info('limitedcart stopped');
    })();
    return stopping;
  };

  return { url: selfUrl, port, config, profile: infrastructure.profile, engine, tokens, accounts, gateway, deps, seed, stop };
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

/** Creates the ADMIN_EMAIL account on first start, or gives an existing one the ADMIN role. */
async function bootstrapAdmin(accounts: AccountService, engine: Engine, email: string, password: string, logger: Logger) {
  const customer = await accounts.ensureAccount({ email, password, roles: ['ADMIN'] });
  if (!customer.roles.includes('ADMIN')) await engine.ports.customers.setRoles(customer.id, [...customer.roles, 'ADMIN']);
  logger.info('bootstrap admin ready', { email: customer.email });
}
