import type { OrderSagaActivities } from '@limitedcart/core/saga';
import type { NativeConnection } from '@temporalio/worker';
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
  /**
   * Sagas started by this runner run their short database steps as local activities (see
   * `SagaWorkflowTuning.localActivities`): fewer tasks and history events per saga, about half the Temporal
   * server's CPU. Default true. The choice is part of each workflow's input, so it holds for the saga's whole
   * life whatever later runners or workers are configured with. When a worker dies during a workflow task, its
   * local steps run again on another worker after the task's timeout (10 s); activity tasks are retried after
   * `activityStartToCloseTimeoutMs` instead.
   */
  readonly localActivities?: boolean;
  /**
   * The connection of a worker in this process that polls the same namespace and task queue
   * (`TemporalSagaWorker.connection`). While it returns one, sagas start with eager start: the server hands each
   * saga's first workflow task to that worker in its answer to the start instead of queueing it for a poll, which
   * spares the server a dispatch and a history write per saga and the saga the wait for a poller. A start the
   * worker has no free slot for is queued as usual; `undefined` (no worker, or one that stopped) starts through
   * the runner's own connection. The `temporal` plugin wires this in processes with the `worker` role.
   */
  readonly localWorkerConnection?: () => NativeConnection | undefined;
}

/**
 * How much one worker process takes on at once. The defaults are sized for a drop: thousands of sagas started
 * within seconds, each a few short workflow tasks, then waiting up to the payment window for a signal.
 */
export interface TemporalWorkerTuning {
  /** Workflow tasks run at once. Default 100 (the SDK's is 40). */
  readonly maxConcurrentWorkflowTaskExecutions?: number;
  /** Concurrent workflow-task polls; at most `maxConcurrentWorkflowTaskExecutions`. Default 20. */
  readonly maxConcurrentWorkflowTaskPolls?: number;
  /** Local activities (the saga's database steps) run at once. Default 200. */
  readonly maxConcurrentLocalActivityExecutions?: number;
  /** Activity tasks run at once. Default 100. */
  readonly maxConcurrentActivityTaskExecutions?: number;
  /**
   * Workflows kept in the sticky cache: a waiting saga that is cached handles its payment signal without
   * replaying its history. Default 10,000 (a few KB each).
   */
  readonly maxCachedWorkflows?: number;
}

export const DEFAULT_WORKER_TUNING: Required<TemporalWorkerTuning> = {
  maxConcurrentWorkflowTaskExecutions: 100,
  maxConcurrentWorkflowTaskPolls: 20,
  maxConcurrentLocalActivityExecutions: 200,
  maxConcurrentActivityTaskExecutions: 100,
  maxCachedWorkflows: 10_000,
};

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
  /** Concurrency and cache of the worker; each field defaults to `DEFAULT_WORKER_TUNING`'s. */
  readonly tuning?: TemporalWorkerTuning;
}

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TASK_QUEUE = 'limitedcart-order-saga';
export const DEFAULT_QUERY_TIMEOUT_MS = 2_000;
export const DEFAULT_ACTIVITY_START_TO_CLOSE_TIMEOUT_MS = DEFAULT_WORKFLOW_TUNING.activityStartToCloseTimeoutMs;
/** Runners start sagas with local activities unless told otherwise (`localActivities: false`). */
export const DEFAULT_LOCAL_ACTIVITIES = true;
