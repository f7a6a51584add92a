import { DEFAULT_TUNING } from '@limitedcart/adapter-pg-boss';
import { DEFAULT_ENGINE_CONFIG } from '@limitedcart/core';
import { z } from 'zod';

const list = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean));

/** Comma-separated browser origins (`scheme://host[:port]`, exactly as a browser sends them: no path, no slash). */
const origins = list.pipe(
  z.array(z.url().refine((value) => URL.canParse(value) && new URL(value).origin === value, 'an origin such as https://shop.example.com')),
);

const ROLE_NAMES = ['api', 'worker', 'relay'] as const;
export type ServerRole = (typeof ROLE_NAMES)[number];

/**
 * Every environment variable the server reads. This schema is the configuration reference: docs and the
 * deployment manifests are checked against its keys.
 */
export const ENV_SCHEMA = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Comma-separated roles this process plays. One image runs as api, worker or relay. */
  LIMITEDCART_ROLES: list.pipe(z.array(z.enum(ROLE_NAMES)).min(1)).default(['api', 'worker', 'relay']),
  /**
   * Which storage runs the engine: `memory` (nothing persisted, one process), `embedded` (a bundled Postgres
   * under the data dir) or `production` (DATABASE_URL). Defaults to production when DATABASE_URL is set,
   * embedded otherwise.
   */
  LIMITEDCART_PROFILE: z.enum(['memory', 'embedded', 'production']).optional(),
  /** Where the embedded profile keeps Postgres data and generated secrets. */
  LIMITEDCART_DATA_DIR: z.string().default('.limitedcart'),
  LIMITEDCART_EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65_535).default(54329),
  /**
   * Postgres schema holding LimitedCart's tables; sagas use `<schema>_saga` and `<schema>_saga_boss`, and
   * Redis keys the `limitedcart:<schema>` prefix. At most 36 characters so the derived names stay valid.
   */
  DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,35}$/).default('limitedcart'),
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(20),
  /** Production profile: set to use an external Postgres instead of the embedded one. */
  DATABASE_URL: z.string().url().optional(),
  /** Redis admits the drop in front of the Postgres ledger; also caches prices and keeps rate limits. */
  REDIS_URL: z.string().url().optional(),
  /** Kafka carries events instead of Postgres LISTEN/NOTIFY. */
  KAFKA_BROKERS: list.optional(),
  /** Temporal runs sagas instead of pg-boss. */
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('limitedcart-orders'),
  /** Sagas started by this process run their database steps as Temporal local activities (`false`: activity tasks). */
  TEMPORAL_LOCAL_ACTIVITIES: z.enum(['true', 'false']).default('true'),
  /** A worker process starts sagas through its own Temporal worker's connection (eager start; `false`: the client's). */
  TEMPORAL_EAGER_START: z.enum(['true', 'false']).default('true'),
  /** HS256 secret (≥ 32 bytes) or an Ed25519 PKCS8 PEM for EdDSA. Generated and kept in the data dir when unset. */
  JWT_KEY: z.string().optional(),
  JWT_ALGORITHM: z.enum(['HS256', 'EdDSA']).default('HS256'),
  JWT_ISSUER: z.string().default('limitedcart'),
  /** Lifetime of an access token: what is left of a session after its refresh token is revoked. */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  /** Lifetime of a refresh token, renewed by every refresh: a session unused this long ends. */
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(300).max(7_776_000).default(1_209_600),
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /**
   * How long each api process trusts what it read about an account and a session: the bound within which a role
   * change, a lock, a deletion or a logout takes effect on every request (account.changed events usually make it
   * immediate).
   */
  SESSION_CHECK_TTL_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** The refresh cookie's Secure flag: `auto` sets it when PUBLIC_URL or the request is https. */
  AUTH_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Shared secret of the payment gateway's webhook signatures. Generated and kept in the data dir when unset. */
  PAYMENT_WEBHOOK_SECRET: z.string().min(16).optional(),
  /**
   * HS256 key (≥ 32 bytes) of the admission tokens of queued drops, the same on every replica; their proof-of-work
   * challenges are signed with a key derived from it. Generated and kept in the data dir when unset; required in
   * production.
   */
  ADMISSION_TOKEN_KEY: z.string().min(32).optional(),
  /** Order attempts one admission to a queued drop allows. */
  ADMISSION_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(DEFAULT_ENGINE_CONFIG.admissionAttempts),
  /** Period of the queue admitter on worker processes: one round per open queued drop. */
  QUEUE_ADMIT_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(DEFAULT_ENGINE_CONFIG.queueAdmitIntervalMs),
  PAYMENT_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /** How long a hold waits for payment. */
  PAYMENT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** The one grace a payment starting near the end of its hold gives the hold; 0 turns it off. */
  PAYMENT_GRACE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(DEFAULT_ENGINE_CONFIG.paymentGraceMs / 1000),
  HOLD_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  /**
   * Sagas started in the background as their orders commit, at most this many at a time; 0 leaves them to the
   * subscriber. Unset: the engine's default, or 0 with Temporal (see `sagaHeadStartsOf`).
   */
  SAGA_HEAD_STARTS: z.coerce.number().int().min(0).max(10_000).optional(),
  /** pg-boss worker: polling loops, each running a batch of saga advances at once. */
  SAGA_WORKER_LOOPS: z.coerce.number().int().min(1).max(64).default(DEFAULT_TUNING.concurrency),
  SAGA_WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(DEFAULT_TUNING.batchSize),
  /** Base URL the server is reached at (payment links, webhook delivery). */
  PUBLIC_URL: z.string().url().optional(),
  /**
   * The bootstrap admin, set together: created with the ADMIN role when the email is free. An existing non-admin
   * account with that email stops the start unless ADMIN_TAKEOVER=true (see docs/security.md).
   */
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Take an existing ADMIN_EMAIL account over: grant ADMIN and reset its password to ADMIN_PASSWORD. */
  ADMIN_TAKEOVER: z.enum(['true', 'false']).default('false'),
  /** Seed the demo catalogue and accounts (default on in the embedded profile). */
  SEED_DEMO: z.enum(['true', 'false']).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Login attempts per minute from one client address, over all emails. */
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /** Login attempts for one email from one client address per minute (twice that per 15 min, four times per hour). */
  RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_IP: z.coerce.number().int().min(1).default(5),
  RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_ORDERS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_ORDERS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** maxQuantityPerCustomer of a product created without one (0 = no per-product limit). */
  DEFAULT_LIMIT_PER_CUSTOMER: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_ENGINE_CONFIG.defaultLimitPerCustomer),
  /** Units one customer may hold + buy of one product whatever its limit; 0 turns the cap off. */
  UNIT_CAP_PER_CUSTOMER: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_ENGINE_CONFIG.unitCapPerCustomer),
  /** How old an Idempotency-Key's in-flight claim must be before a retry takes it over (its request died). */
  IDEMPOTENCY_STALE_CLAIM_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  /**
   * How many proxies in front of the server append to X-Forwarded-For: the client address is the right-most hop
   * none of them wrote. `false` = 0 (the socket peer is the client), `true` = 1 (one load balancer), or a number.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, 'true, false or a number of proxies')
    .default('false')
    .transform((value) => (value === 'true' ? 1 : value === 'false' ? 0 : Number(value))),
  /** OTLP/HTTP endpoint; tracing is off when unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** Folder of the storefront build served at `/`. */
  STOREFRONT_DIR: z.string().optional(),
  /** Bearer token a Prometheus scraper sends to GET /metrics (ADMIN access tokens are accepted too). */
  METRICS_TOKEN: z.string().optional(),
  /** Serve /metrics without a token on this port instead (a listener the ingress does not route to). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** Storefront origins allowed to call the API from a browser (every route but /api/admin and /api/inventory). */
  STORE_CORS: origins.default([]),
  /** Admin front-end origins allowed to call every API route from a browser. */
  ADMIN_CORS: origins.default([]),
  /** Notification streams one signed-in customer may hold open on this process; more get 429. */
  SSE_MAX_STREAMS_PER_PRINCIPAL: z.coerce.number().int().min(1).max(1000).default(8),
  /** Notification streams this process holds open in total; more get 429. */
  SSE_MAX_STREAMS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** Public stock streams one client address (after TRUST_PROXY) may hold open on this process; more get 429. */
  STOCK_STREAMS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(32),
});

export type ServerConfig = z.infer<typeof ENV_SCHEMA>;

export const ENV_KEYS = Object.keys(ENV_SCHEMA.shape) as (keyof ServerConfig)[];

/** Parses the environment; a bad value stops the process with every problem listed. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const known = Object.fromEntries(ENV_KEYS.filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]));
  const parsed = ENV_SCHEMA.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`invalid configuration:\n${problems}`);
  }
  return parsed.data;
}

/**
 * The head start's bound when SAGA_HEAD_STARTS is unset. With Temporal none: each start is a gRPC call that cost the
 * api process CPU it needs for the drop, and the `order.placed` subscriber on the workers starts the sagas as soon
 * (both wait for the Temporal server's starts; bench/DROP.md, scale-out round).
 */
export const sagaHeadStartsOf = (config: Pick<ServerConfig, 'SAGA_HEAD_STARTS' | 'TEMPORAL_ADDRESS'>): number =>
  config.SAGA_HEAD_STARTS ?? (config.TEMPORAL_ADDRESS ? 0 : DEFAULT_ENGINE_CONFIG.sagaHeadStarts);

export const profileOf = (config: ServerConfig): 'memory' | 'embedded' | 'production' =>
  config.LIMITEDCART_PROFILE ?? (config.DATABASE_URL ? 'production' : 'embedded');
