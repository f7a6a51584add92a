import { resolve } from 'node:path';
import { kafka } from '@limitedcart/adapter-kafka';
import { pgBoss } from '@limitedcart/adapter-pg-boss';
import { postgres } from '@limitedcart/adapter-postgres';
import { redis } from '@limitedcart/adapter-redis';
import { temporal } from '@limitedcart/adapter-temporal';
import type { Plugin } from '@limitedcart/core';
import { jwtAuth } from '@limitedcart/plugin-auth-jwt';
import { mockPayments, type WebhookDelivery } from '@limitedcart/plugin-payment-mock';
import { lunrSearch } from '@limitedcart/plugin-search-lunr';
import { sse } from '@limitedcart/plugin-sse-notifications';
import { profileOf, type ServerConfig } from '../config.js';
import type { EmbeddedSecrets, ServerSecrets } from './secrets.js';

/** What only the running server knows: its secrets and where the mock gateway posts webhooks. */
export interface ServerRuntime {
  readonly secrets: ServerSecrets | EmbeddedSecrets;
  readonly webhookDelivery: WebhookDelivery;
}

/**
 * The deployment the configuration describes, as the engine's plugin list. The profile picks where durable state
 * lives (nothing, the embedded Postgres or DATABASE_URL); REDIS_URL, KAFKA_BROKERS and TEMPORAL_ADDRESS add the
 * distributed adapters; the features (accounts, payments, search, live notifications) run in every profile.
 */
export function pluginsFor(config: ServerConfig, runtime: ServerRuntime): Plugin[] {
  return [...storagePlugins(config, runtime.secrets), ...featurePlugins(config, runtime)];
}

/** The bundled Postgres' superuser, with the password generated into the data dir. */
export function embeddedPostgresOptions(config: ServerConfig, postgresPassword: string) {
  return {
    dataDir: resolve(config.LIMITEDCART_DATA_DIR, 'pg'),
    port: config.LIMITEDCART_EMBEDDED_PG_PORT,
    user: 'postgres',
    password: postgresPassword,
    // Data folders made before the password was generated still have the old fixed one: it is replaced on start.
    previousPassword: 'postgres',
  };
}

function storagePlugins(config: ServerConfig, secrets: ServerSecrets | EmbeddedSecrets): Plugin[] {
  const profile = profileOf(config);
  if (profile === 'memory') return [];
  const schema = config.DB_SCHEMA;
  const database =
    profile === 'embedded'
      ? postgres({
          embedded: embeddedPostgresOptions(config, requirePostgresPassword(secrets)),
          schema,
          poolSize: config.DB_POOL_SIZE,
        })
      : postgres({ connectionString: requireDatabaseUrl(config), schema, poolSize: config.DB_POOL_SIZE });
  const sagas = config.TEMPORAL_ADDRESS
    ? temporal({
        address: config.TEMPORAL_ADDRESS,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        localActivities: config.TEMPORAL_LOCAL_ACTIVITIES === 'true',
        eagerStart: config.TEMPORAL_EAGER_START === 'true',
      })
    : pgBoss({ tuning: { concurrency: config.SAGA_WORKER_LOOPS, batchSize: config.SAGA_WORKER_BATCH_SIZE } });
  return [
    database,
    sagas,
    // Keys and topics carry the schema, so deployments sharing a Redis or a Kafka cluster stay apart.
    ...(config.REDIS_URL ? [redis({ url: config.REDIS_URL, keyPrefix: `limitedcart:${schema}` })] : []),
    ...(config.KAFKA_BROKERS && config.KAFKA_BROKERS.length > 0
      ? [kafka({ brokers: config.KAFKA_BROKERS, clientId: 'limitedcart', topicPrefix: `${schema}.` })]
      : []),
  ];
}

function featurePlugins(config: ServerConfig, runtime: ServerRuntime): Plugin[] {
  return [
    jwtAuth({
      key: runtime.secrets.jwtKey,
      algorithm: config.JWT_ALGORITHM,
      issuer: config.JWT_ISSUER,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      refreshReuseGraceSeconds: config.REFRESH_REUSE_GRACE_SECONDS,
      sessionCheckTtlMs: config.SESSION_CHECK_TTL_MS,
      loginAttemptsPerMinute: config.RATE_LIMIT_LOGIN_PER_MINUTE,
      loginAttemptsPerAccountAddress: config.RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_IP,
      registrationsPerAddressPerHour: config.RATE_LIMIT_REGISTER_PER_IP_PER_HOUR,
    }),
    mockPayments({
      webhookSecret: runtime.secrets.webhookSecret,
      toleranceSeconds: config.PAYMENT_WEBHOOK_TOLERANCE_SECONDS,
      delivery: runtime.webhookDelivery,
    }),
    lunrSearch(),
    sse(),
  ];
}

function requirePostgresPassword(secrets: ServerSecrets | EmbeddedSecrets): string {
  if (!('postgresPassword' in secrets)) throw new Error('the embedded profile needs its generated secrets (loadOrCreateSecrets)');
  return secrets.postgresPassword;
}

function requireDatabaseUrl(config: ServerConfig): string {
  if (!config.DATABASE_URL) throw new Error('the production profile needs DATABASE_URL');
  return config.DATABASE_URL;
}
