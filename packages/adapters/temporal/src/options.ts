import type { OrderSagaActivities } from '@limitedcart/core/saga';
import { DEFAULT_WORKFLOW_TUNING } from './definitions.js';

/** Where the Temporal service is and which task queue the order sagas use. */
export interface TemporalConnectionOptions {
  /** gRPC address of the Temporal frontend, e.g. `127.0.0.1:7233` (`TEMPORAL_ADDRESS`). */
  readonly address: string;
  /** Defaults to `default`, the namespace every Temporal server creates. */
  readonly namespace?: string;
  /** Defaults to `limitedcart-order-saga`. Runner and worker must agree. */
  readonly taskQueue?: string;
}

export interface TemporalSagaRunnerOptions extends TemporalConnectionOptions {
  /** How long one activity attempt may run before Temporal retries it elsewhere (a crashed worker). Default 30 s. */
  readonly activityStartToCloseTimeoutMs?: number;
  /**
   * How long `describe` waits for a worker to answer the step query of a running saga; without an answer the
   * step is reported as unknown (the status comes from the frontend). Default 2 s.
   */
  readonly queryTimeoutMs?: number;
}

export interface TemporalSagaWorkerOptions extends TemporalConnectionOptions {
  /** Core's order-saga activities, bound to the engine's ports (`createOrderSagaActivities`). */
  readonly activities: OrderSagaActivities;
  /**
   * Path of the workflow module to bundle; defaults to this package's `workflows` module. Exists so a
   * replay or test can run a variant of the workflow code.
   */
  readonly workflowsPath?: string;
  /**
   * A workflow bundle built ahead of time (`bundleWorkflows`, written to a file at build time), so starting a
   * worker skips the seconds of bundling. Takes precedence over `workflowsPath`.
   */
  readonly workflowBundle?: { readonly code: string } | { readonly codePath: string };
}

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TASK_QUEUE = 'limitedcart-order-saga';
export const DEFAULT_QUERY_TIMEOUT_MS = 2_000;
export const DEFAULT_ACTIVITY_START_TO_CLOSE_TIMEOUT_MS = DEFAULT_WORKFLOW_TUNING.activityStartToCloseTimeoutMs;
