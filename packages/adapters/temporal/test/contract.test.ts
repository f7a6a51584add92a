import { describeSagaRunnerContract } from '@limitedcart/core/testing';
import { describe } from 'vitest';
import { createTemporalSagaRunner, createTemporalSagaWorker } from '../src/index.js';
import { quietTemporalRuntime } from './support/quiet-runtime.js';
import { noTemporal, requireTemporalAddress, uniqueName } from './support/temporal-env.js';

describe.skipIf(noTemporal)('temporal adapter', () => {
  describeSagaRunnerContract('temporal', async ({ activities }) => {
    quietTemporalRuntime();
    const address = requireTemporalAddress();
    const taskQueue = uniqueName('contract');
    const worker = createTemporalSagaWorker({ address, taskQueue, activities });
    const running = worker.run();
    const runner = createTemporalSagaRunner({ address, taskQueue });
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
