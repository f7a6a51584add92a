import { createTemporalSagaRunner, createTemporalSagaWorker, type TemporalSagaWorker } from '@limitedcart/adapter-temporal';
import { createOrderSagaActivities, definePlugin, type Logger } from '@limitedcart/core';
import type { ServerConfig } from '../config.js';
import type { Infrastructure } from './infrastructure.js';

/**
 * Sagas on Temporal instead of pg-boss: every process starts, signals and describes workflows through the
 * client; processes with the `worker` role also run a Temporal worker executing the workflows with core's
 * activities bound to this engine's ports.
 */
export function withTemporal(base: Infrastructure, config: ServerConfig, logger: Logger): Infrastructure {
  const connection = {
    address: config.TEMPORAL_ADDRESS!,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
  };
  const worker = config.LIMITEDCART_ROLES.includes('worker');
  let sagaWorker: TemporalSagaWorker | undefined;
  let workerFailure: unknown;

  const temporalPlugin = definePlugin({
    name: 'reference-server.temporal',
    setup(ctx) {
      if (!worker) return;
      ctx.onStart((engine) => {
        sagaWorker = createTemporalSagaWorker({ ...connection, activities: createOrderSagaActivities(engine.ports) });
        // run() resolves only when the worker stops; a failure to start or while running turns readiness red.
        sagaWorker.run().catch((error: unknown) => {
          workerFailure = error;
          logger.error('temporal worker stopped with an error', { error });
        });
      });
      ctx.onStop(async () => {
        await sagaWorker?.shutdown();
      });
      ctx.health('temporal-worker', () =>
        workerFailure === undefined
          ? { ok: true, detail: `task queue ${connection.taskQueue}` }
          : { ok: false, detail: workerFailure instanceof Error ? workerFailure.message : String(workerFailure) },
      );
    },
  });

  return {
    ...base,
    adapters: {
      ...base.adapters,
      sagaRunner: { useFactory: () => createTemporalSagaRunner(connection) },
    },
    plugins: [...base.plugins, temporalPlugin],
    summary: { ...base.summary, sagaRunner: `temporal (${worker ? 'client + worker' : 'client'}, ${connection.taskQueue})` },
  };
}
