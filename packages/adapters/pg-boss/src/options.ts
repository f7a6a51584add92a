import { LimitedCartError } from '@limitedcart/core';
import { ACTIVITY_NAMES, ACTIVITY_RETRY } from '@limitedcart/core/saga';
import type { Logger } from '@limitedcart/core';
import type { OrderSagaActivities } from '@limitedcart/core/saga';
import type { Pool } from 'pg';

/** How pg-boss retries an advance job whose activity failed with a retryable fault. */
export interface PgBossRetryOptions {
  /** Retries after the first attempt; the attempt after the last retry hands the fault to the saga. */
  readonly limit: number;
  /** Delay before the first retry, whole seconds (pg-boss schedules in seconds). */
  readonly delaySeconds: number;
  /** Doubles the delay on every retry (pg-boss adds jitter). */
  readonly backoff: boolean;
  /** Upper bound of the delay with backoff, whole seconds. */
  readonly maxDelaySeconds: number;
}

interface CommonOptions {
  /** Schema of the saga tables; pg-boss lives in `${schema}_boss`. Lower-case letters, digits, underscores. */
  readonly schema?: string;
  /** The saga's IO. Needed by workers, and by clients for the late-signal policy (refunds). */
  readonly activities: OrderSagaActivities;
  /** true: this process executes advance jobs. false (default): client only (start / signal / describe). */
  readonly worker?: boolean;
  readonly logger?: Logger;
  /** Defaults follow core's `ACTIVITY_RETRY` policy. */
  readonly retry?: Partial<PgBossRetryOptions>;
  /** Worker tuning; the defaults suit production. */
  readonly tuning?: Partial<PgBossTuning>;
}

export interface PgBossTuning {
  /** pg-boss polling loops per worker process. */
  readonly concurrency: number;
  /**
   * Advance jobs each loop fetches and runs in parallel; a full batch is followed by an immediate fetch, so a
   * backlog drains without waiting for the poll interval. Advances in flight = concurrency × batchSize.
   */
  readonly batchSize: number;
  /** Worker poll interval, seconds (pg-boss minimum 0.5). */
  readonly pollingIntervalSeconds: number;
  /**
   * How long an advance job may stay active before pg-boss counts it as failed and retries it. This is what
   * recovers the jobs of a worker that died mid-advance, so keep it short: an advance is a few activities.
   */
  readonly expireInSeconds: number;
  /** How often pg-boss looks for expired jobs, seconds. */
  readonly superviseIntervalSeconds: number;
  /** Delay before retrying an advance that found the saga busy in another worker, seconds. */
  readonly busyRetrySeconds: number;
}

/** Options of `createPgBossSagaRunner`: either a connection string (the runner owns its pool) or a pool. */
export type PgBossSagaRunnerOptions = CommonOptions &
  ({ readonly connectionString: string; readonly pool?: undefined } | { readonly pool: Pool; readonly connectionString?: undefined });

export interface ResolvedOptions {
  readonly schema: string;
  readonly bossSchema: string;
  readonly activities: OrderSagaActivities;
  readonly worker: boolean;
  readonly logger: Logger | undefined;
  readonly retry: PgBossRetryOptions;
  readonly tuning: PgBossTuning;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,40}$/;

export const DEFAULT_TUNING: PgBossTuning = {
  concurrency: 4,
  batchSize: 8,
  pollingIntervalSeconds: 0.5,
  expireInSeconds: 30,
  superviseIntervalSeconds: 10,
  busyRetrySeconds: 1,
};

/** Core's activity retry policy expressed in pg-boss terms (whole seconds). */
export const DEFAULT_RETRY: PgBossRetryOptions = {
  limit: ACTIVITY_RETRY.maxAttempts - 1,
  delaySeconds: Math.max(1, Math.round(ACTIVITY_RETRY.initialDelayMs / 1000)),
  backoff: true,
  maxDelaySeconds: Math.max(1, Math.round(ACTIVITY_RETRY.maxDelayMs / 1000)),
};

/** Validates the options once, at the facade. */
export function resolveOptions(options: PgBossSagaRunnerOptions): ResolvedOptions {
  const schema = options.schema ?? 'limitedcart_saga';
  if (!SCHEMA_NAME.test(schema)) {
    throw new LimitedCartError('VALIDATION', `invalid saga schema name "${schema}"`, { details: { schema } });
  }
  if (!options.pool && !options.connectionString) {
    throw new LimitedCartError('VALIDATION', 'createPgBossSagaRunner needs a connectionString or a pool');
  }
  const missing = ACTIVITY_NAMES.filter((name) => typeof options.activities?.[name] !== 'function');
  if (missing.length > 0) {
    throw new LimitedCartError('VALIDATION', `activities missing: ${missing.join(', ')}`, { details: { missing } });
  }
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  for (const [key, value] of Object.entries(retry)) {
    if (typeof value === 'number' && !(Number.isInteger(value) && value >= 0)) {
      throw new LimitedCartError('VALIDATION', `retry.${key} must be a non-negative integer`);
    }
  }
  const positive = [tuning.concurrency, tuning.batchSize, tuning.expireInSeconds, tuning.superviseIntervalSeconds];
  if (tuning.pollingIntervalSeconds < 0.5 || !positive.every((n) => Number.isInteger(n) && n >= 1) || tuning.busyRetrySeconds < 0) {
    throw new LimitedCartError(
      'VALIDATION',
      'invalid tuning: polling >= 0.5 s; concurrency, batchSize, expiry and supervise interval positive integers',
    );
  }
  return {
    schema,
    bossSchema: `${schema}_boss`,
    activities: options.activities,
    worker: options.worker ?? false,
    logger: options.logger,
    retry,
    tuning,
  };
}
