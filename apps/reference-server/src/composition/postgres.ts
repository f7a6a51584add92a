import { createPgBossSagaRunner, type PgBossSagaRunner } from '@limitedcart/adapter-pg-boss';
import {
  createPostgresEventBus,
  createPostgresPool,
  createPostgresStockGate,
  createPostgresStores,
  migrate,
} from '@limitedcart/adapter-postgres';
import { createOrderSagaActivities, definePlugin, type FactoryDeps, type Logger, withSoldOutCache } from '@limitedcart/core';
import type { ServerConfig } from '../config.js';
import { createMemoryRateLimiter } from '../http/rate-limit.js';
import { createLedgerReconciliation } from '../http/reconciliation.js';
import { Closers, type Infrastructure, SOLD_OUT_CACHE_MS, type StorageProfile } from './infrastructure.js';
import { withKafka } from './kafka.js';
import { withRedis } from './redis.js';
import { withTemporal } from './temporal.js';

export interface PostgresInfrastructureOptions {
  readonly databaseUrl: string;
  readonly profile: Extract<StorageProfile, 'embedded' | 'production'>;
  /** Closed after everything else (e.g. stopping the embedded server). */
  readonly closers?: Closers;
}

/**
 * Postgres for everything durable: stores and migrations, the conditional-update stock gate, the outbox read
 * directly by the LISTEN/NOTIFY event bus (so the engine does not relay), and pg-boss sagas. With REDIS_URL,
 * Redis admits in front of the Postgres ledger and keeps prices and rate limits.
 */
export async function postgresInfrastructure(
  config: ServerConfig,
  logger: Logger,
  options: PostgresInfrastructureOptions,
): Promise<Infrastructure> {
  const closers = options.closers ?? new Closers();
  const schema = config.DB_SCHEMA;
  const pool = createPostgresPool({ databaseUrl: options.databaseUrl, schema, max: config.DB_POOL_SIZE });
  closers.add('postgres pool', () => pool.end());
  try {
    const migrated = await migrate({ pool, schema });
    if (migrated.applied.length > 0) logger.info('database migrated', { schema, applied: migrated.applied });

    const worker = config.LIMITEDCART_ROLES.includes('worker');
    const busErrors = (error: unknown, context: { topic?: string; group?: string }) =>
      logger.warn('event bus fault (recovering)', { ...context, error });
    const stores = createPostgresStores({ pool, schema });
    // Reservations commit without waiting for the log flush: every accepted reservation is followed by the order
    // row's commit in this same database, and the unit of work answers only after the log is flushed past it,
    // so no order is acknowledged on a reservation that could be lost. A lost unflushed reservation without an
    // order is only stock returned. Rejections write nothing.
    const ledgerGate = createPostgresStockGate({ pool, schema, durableReservations: false });
    const eventBus = createPostgresEventBus({ pool, schema, onError: busErrors });
    // Per-process groups (SSE, catalogue) on their own bus instance, starting at the newest event.
    const notificationsBus = createPostgresEventBus({ pool, schema, startFrom: 'latest', onError: busErrors });
    closers.add('notifications bus', () => notificationsBus.close());

    let runner: PgBossSagaRunner | undefined;
    const sagaRunner = {
      useFactory: ({ ports }: FactoryDeps) => {
        runner = createPgBossSagaRunner({
          pool,
          schema: `${schema}_saga`,
          activities: createOrderSagaActivities(ports),
          worker,
          tuning: { concurrency: config.SAGA_WORKER_LOOPS, batchSize: config.SAGA_WORKER_BATCH_SIZE },
          logger: ports.logger.child({ component: 'pg-boss' }),
        });
        return runner;
      },
    };

    const postgresPlugin = definePlugin({
      name: 'reference-server.postgres',
      setup(ctx) {
        // The runner's lifecycle is open/close (its `start` starts a saga): open it before subscriptions start
        // sagas, so a worker also resumes the sagas that were running when the last process stopped.
        ctx.onStart(async () => {
          await runner?.open();
        });
        ctx.health('postgres', async () => {
          await pool.query('SELECT 1');
          return { ok: true, detail: `schema ${schema}` };
        });
      },
    });

    const base: Infrastructure = {
      profile: options.profile,
      // Once a SKU is sold out, further attempts are answered from memory (see SOLD_OUT_CACHE_MS).
      adapters: { ...stores, stockGate: withSoldOutCache(ledgerGate, { ttlMs: SOLD_OUT_CACHE_MS }), eventBus, sagaRunner },
      relay: false,
      // LISTEN/NOTIFY wakes the order.placed subscriber as soon as the order commits, so the request leaves the
      // saga start to it (and the subscriber no longer repeats a start the request already made).
      startSagaInline: false,
      plugins: [postgresPlugin],
      notificationsBus: () => notificationsBus,
      rateLimiter: createMemoryRateLimiter(),
      reconciliation: () => createLedgerReconciliation(ledgerGate),
      summary: {
        storage: `postgres (${options.profile}, schema ${schema})`,
        stockGate: 'postgres',
        sagaRunner: `pg-boss (${worker ? 'worker' : 'client'})`,
        eventBus: 'postgres outbox + LISTEN/NOTIFY',
      },
      close: () => closers.closeAll(),
    };
    let infrastructure = config.REDIS_URL ? withRedis(base, config, logger, { pool, ledgerGate, idempotency: stores.idempotency, closers }) : base;
    if (config.KAFKA_BROKERS && config.KAFKA_BROKERS.length > 0) infrastructure = withKafka(infrastructure, config, logger, closers);
    if (config.TEMPORAL_ADDRESS) infrastructure = withTemporal(infrastructure, config, logger);
    return infrastructure;
  } catch (error) {
    await closers.closeAll().catch(() => {});
    throw error;
  }
}
