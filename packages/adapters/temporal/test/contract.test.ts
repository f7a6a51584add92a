import { describeSagaRunnerContract } from '@limitedcart/core/testing';
import { describe } from 'vitest';
import { createTemporalSagaRunner, createTemporalSagaWorker } from '../src/index.js';
import { quietTemporalRuntime } from './support/quiet-runtime.js';
import { noTemporal, requireTemporalAddress, uniqueName } from './support/temporal-env.js';

describe.skipIf(noTemporal)('temporal adapter', () => {
  // Apart: the runner has its own connection (an api process). Eager: it starts sagas through the worker's
  // connection, so the server hands their first workflow task to that worker (a worker process).
  describe.each([
    { starts: 'apart', eager: false },
    { starts: 'eager', eager: true },
  ])('starts $starts from the worker', ({ starts, eager }) => {
    describeSagaRunnerContract(`temporal (${starts})`, async ({ activities }) => {
      quietTemporalRuntime();
      const address = requireTemporalAddress();
      const taskQueue = uniqueName(`contract-${starts}`);
      const worker = createTemporalSagaWorker({ address, taskQueue, activities });
      const running = worker.run();
      await worker.ready();
      const runner = createTemporalSagaRunner({ address, taskQueue, ...(eager ? { localWorkerConnection: () => worker.connection() } : {}) });
      return {
        runner,
        async close() {
          await runner.close();
          await worker.shutdown();
          await running;
        },
      };
    });
  });
});
