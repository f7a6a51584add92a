import { createOrderSagaActivities, definePlugin, defineToken, type HealthReport, type Lifecycle, type Logger, type Plugin } from '@limitedcart/core';
import { createTemporalSagaRunner } from './client.js';
import type { TemporalConnectionOptions, TemporalSagaRunnerOptions, TemporalSagaWorkerOptions } from './options.js';
import { DEFAULT_TASK_QUEUE } from './options.js';
import { createTemporalSagaWorker, type TemporalSagaWorker } from './worker.js';

export interface TemporalPluginOptions
  extends TemporalConnectionOptions,
    Pick<TemporalSagaRunnerOptions, 'activityStartToCloseTimeoutMs' | 'queryTimeoutMs' | 'localActivities'> {
  readonly workflowBundle?: TemporalSagaWorkerOptions['workflowBundle'];
  /** Concurrency and sticky cache of the worker of a `worker`-role process. */
  readonly workerTuning?: TemporalSagaWorkerOptions['tuning'];
  /**
   * In a `worker`-role process, start sagas through the worker's own connection so the server hands their first
   * workflow task straight to it (eager start; see `TemporalSagaRunnerOptions.localWorkerConnection`). Default true.
   */
  readonly eagerStart?: boolean;
}

/** The worker of a `worker`-role process, registered so the engine opens, closes and probes it. */
const TEMPORAL_WORKER = defineToken<Lifecycle>('limitedcart.temporal.worker');

/**
 * Sagas on Temporal: the engine's `sagaRunner` starts, signals and describes workflows through the client in every
 * process; processes with the `worker` role also run a Temporal worker executing them with core's activities bound
 * to this engine's ports. The worker connects when the engine starts (a server it cannot reach fails the start),
 * drains when it stops, and turns readiness red if it stops with an error.
 *
 * ```ts
 * createEngine({ plugins: [postgres({ connectionString }), temporal({ address: '127.0.0.1:7233' })] });
 * ```
 */
export function temporal(options: TemporalPluginOptions): Plugin {
  if (typeof options?.address !== 'string' || options.address === '') throw new TypeError('temporal(): address is required');
  return definePlugin({
    name: 'temporal',
    setup(ctx) {
      const hasWorker = ctx.config.roles.includes('worker');
      /** This process's worker, once built: the saga starter of a worker process starts sagas through it. */
      let worker: TemporalSagaWorker | undefined;
      const localWorkerConnection = hasWorker && options.eagerStart !== false ? () => worker?.connection() : undefined;
      ctx.provide({
        sagaRunner: { useFactory: () => createTemporalSagaRunner({ ...options, ...(localWorkerConnection ? { localWorkerConnection } : {}) }) },
      });
      if (!hasWorker) return;
      ctx.register(TEMPORAL_WORKER, {
        useFactory: ({ ports }) => {
          worker = createTemporalSagaWorker({
            ...options,
            ...(options.workerTuning ? { tuning: options.workerTuning } : {}),
            activities: createOrderSagaActivities(ports),
          });
          return workerLifecycle(worker, options.taskQueue ?? DEFAULT_TASK_QUEUE, ports.logger.child({ component: 'temporal-worker' }));
        },
      });
    },
  });
}

function workerLifecycle(worker: TemporalSagaWorker, taskQueue: string, logger: Logger): Lifecycle {
  let failure: unknown;
  return {
    async open() {
      // run() resolves only when the worker stops; a failure while running turns readiness red.
      const running = worker.run();
      running.catch((error: unknown) => {
        failure = error;
        logger.error('temporal worker stopped with an error', { error });
      });
      await worker.ready();
    },
    close: () => worker.shutdown(),
    health: (): HealthReport =>
      failure === undefined
        ? { name: 'temporal-worker', ok: true, detail: `task queue ${taskQueue}` }
        : { name: 'temporal-worker', ok: false, detail: failure instanceof Error ? failure.message : String(failure) },
  };
}
