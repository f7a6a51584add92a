/**
 * `@limitedcart/adapter-postgres`: the engine's durable side on Postgres alone. `postgres({...})` is the plugin:
 * stores and migrations, the conditional-update stock gate, the transactional outbox with a LISTEN/NOTIFY event
 * bus, and an embedded Postgres for the zero-dependency profile. The factories below are its parts, for hosts
 * that compose by hand and for tests.
 */
export { createPostgresAdmissionQueue, type PostgresAdmissionQueueOptions } from './admission-queue.js';
export { createDatabaseClock, type DatabaseClock, type DatabaseClockOptions } from './database-clock.js';
export { type EmbeddedPostgresHandle, embeddedPostgresUrl, startEmbeddedPostgres } from './embedded.js';
export { toLimitedCartError } from './errors.js';
export { createPostgresEventBus, type PostgresEventBus } from './event-bus.js';
export { checkPostgresHealth } from './health.js';
export { createPostgresLedgerReader } from './ledger-reader.js';
export { MIGRATIONS_DIR, type MigrationResult, migrate } from './migrate.js';
export {
  type CreatePoolOptions,
  DEFAULT_SCHEMA,
  type EmbeddedPostgresOptions,
  type MigrateOptions,
  type PostgresEventBusOptions,
  type PostgresStockGateOptions,
  type PostgresStoresOptions,
  type PostgresTarget,
} from './options.js';
export { appendToOutbox, notifyChannel } from './outbox.js';
export { POSTGRES_CONNECTION, type PostgresConnection, type PostgresPluginOptions, postgres } from './plugin.js';
export { createPostgresPool } from './pool.js';
export { createPostgresQueueSettingsStore, type PostgresQueueSettingsOptions } from './queue-settings.js';
export { createPostgresSessionStore } from './session-store.js';
export type { Executor } from './sql.js';
export { createPostgresStockGate, type PostgresStockGate } from './stock-gate.js';
export { createPostgresStores } from './stores/index.js';
