import { describeSagaRunnerContract } from '@limitedcart/core/testing';
import { describe, it } from 'vitest';
import { createPgBossSagaRunner } from '../src/index.js';
import { databaseUrl, dropSagaSchemas, TEST_RETRY, TEST_TUNING, uniqueSchema } from './support.js';

const url = databaseUrl();

if (url) {
  describeSagaRunnerContract('pg-boss', async ({ activities }) => {
    const schema = uniqueSchema('kit_pgboss');
    const runner = createPgBossSagaRunner({
      connectionString: url,
      schema,
      activities,
      worker: true,
      retry: TEST_RETRY,
      tuning: TEST_TUNING,
    });
    await runner.open();
    return {
      runner,
      async close() {
        await runner.close();
        await dropSagaSchemas(url, schema);
      },
    };
  });
} else {
  describe('SagaRunner contract: pg-boss', () => {
    it.skip('needs DATABASE_URL (a real Postgres)', () => undefined);
  });
}
