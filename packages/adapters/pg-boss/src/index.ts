export { ADVANCE_QUEUE, type AdvanceJobData, DEAD_LETTER_QUEUE, type WakeReason } from './advance-queue.js';
export {
  DEFAULT_RETRY,
  DEFAULT_TUNING,
  type PgBossRetryOptions,
  type PgBossSagaRunnerOptions,
  type PgBossTuning,
} from './options.js';
export { createPgBossSagaRunner, type PgBossSagaRunner } from './runner.js';
export { migrateSagaSchema, sagaSchemaSql } from './schema.js';
export { signalId } from './signals.js';
