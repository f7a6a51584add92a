import { LimitedCartError } from '@limitedcart/core';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createTemporalActivities } from './activities.js';
import { bundleWorkflows, defaultWorkflowsPath } from './bundle.js';
import { DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE, DEFAULT_WORKER_TUNING, type TemporalSagaWorkerOptions } from './options.js';

/** A Temporal worker running the order-saga workflows and core's activities. */
export interface TemporalSagaWorker {
  /**
   * Connects, starts polling and resolves once the worker has stopped (after `shutdown`). Rejects if the
   * worker cannot start or fails while running.
   */
  run(): Promise<void>;
  /** Resolves once the worker `run` started is connected and polling; rejects as `run` does if it cannot start. */
  ready(): Promise<void>;
  /** Stops polling, lets in-flight tasks finish, closes the connection. Idempotent. */
  shutdown(): Promise<void>;
  /**
   * The worker's connection while it runs (undefined before it is ready and once it stops): a runner that starts
   * sagas through it lets the server hand their first workflow task straight to this worker (eager start).
   */
  connection(): NativeConnection | undefined;
}

/**
 * Creates the worker for the order saga. Does no IO until `run`. The workflow code is bundled once per
 * process and shared by every worker.
 */
export const createTemporalSagaWorker = (options: TemporalSagaWorkerOptions): TemporalSagaWorker => {
  let started: Promise<{ worker: Worker; connection: NativeConnection }> | undefined;
  let running: Promise<void> | undefined;
  let stopping = false;
  /** The connection while the worker runs: what `connection()` hands to an eager-starting runner. */
  let runningConnection: NativeConnection | undefined;

  const start = async (): Promise<{ worker: Worker; connection: NativeConnection }> => {
    const workflowBundle = options.workflowBundle ?? (await bundleWorkflows(options.workflowsPath ?? defaultWorkflowsPath()));
    const connection = await NativeConnection.connect({ address: options.address }).catch((cause: unknown) => {
      throw new LimitedCartError('INFRASTRUCTURE', `cannot connect to Temporal at ${options.address}`, { cause });
    });
    try {
      const worker = await Worker.create({
        connection,
        namespace: options.namespace ?? DEFAULT_NAMESPACE,
        taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
        workflowBundle,
        activities: createTemporalActivities(options.activities),
        ...DEFAULT_WORKER_TUNING,
        ...options.tuning,
      });
      return { worker, connection };
    } catch (error) {
      await connection.close();
      throw error;
    }
  };

  const run = (): Promise<void> => {
    if (running === undefined) {
      started = start();
      running = started.then(async ({ worker, connection }) => {
        try {
          const done = worker.run(); // moves the worker to RUNNING synchronously
          // A shutdown requested while the worker was being created stops it as soon as it runs.
          if (stopping) worker.shutdown();
          else runningConnection = connection;
          await done;
        } finally {
          runningConnection = undefined;
          await connection.close();
        }
      });
    }
    return running;
  };

  return {
    run,
    connection: () => runningConnection,
    ready() {
      if (started === undefined) return Promise.reject(new LimitedCartError('INTERNAL', 'the Temporal worker was not run'));
      return started.then(() => undefined);
    },
    async shutdown() {
      if (stopping) {
        await running?.catch(() => undefined);
        return;
      }
      stopping = true;
      runningConnection = undefined; // starts go through the runner's own connection from now on
      if (started === undefined) return;
      const { worker } = await started.catch(() => ({ worker: undefined }));
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running?.catch(() => undefined);
    },
  };
};
