/**
 * `@limitedcart/adapter-pg-boss`: core's order saga executed durably on Postgres with pg-boss. `pgBoss()` is the
 * plugin; `createPgBossSagaRunner` is the runner it provides, for hosts that compose by hand and for tests.
 */
export { ADVANCE_QUEUE, type AdvanceJobData, DEAD_LETTER_QUEUE, type WakeReason } from './advance-queue.js';
export {
  DEFAULT_RETRY,
  DEFAULT_TUNING,
  type PgBossRetryOptions,
  type PgBossSagaRunnerOptions,
  type PgBossTuning,
} from './options.js';
export { type PgBossPluginOptions, pgBoss } from './plugin.js';
export { createPgBossSagaRunner, type PgBossSagaRunner } from './runner.js';
export { migrateSagaSchema, sagaSchemaSql } from './schema.js';
export { signalId } from './signals.js';
