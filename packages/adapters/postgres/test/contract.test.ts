import {
  describeAdmissionQueueContract,
  describeEventBusContract,
  describeQueueSettingsContract,
  describeSessionStoreContract,
  describeStockGateContract,
  describeStoreContracts,
} from '@limitedcart/core/testing';
import { describe } from 'vitest';
import {
  createPostgresAdmissionQueue,
  createPostgresEventBus,
  createPostgresQueueSettingsStore,
  createPostgresSessionStore,
  createPostgresStockGate,
  createPostgresStores,
} from '../src/index.js';
import { createTestDatabase, hasDatabase } from './support.js';

// Each kit block gets its own migrated schema (lc_test_<random>), dropped when the block ends.
describe.skipIf(!hasDatabase)('adapter-postgres conformance', () => {
  describeStoreContracts('postgres', async () => {
    const db = await createTestDatabase();
    return { stores: createPostgresStores({ pool: db.pool, schema: db.schema }), close: () => db.drop() };
  });

  describeSessionStoreContract('postgres', async () => {
    const db = await createTestDatabase();
    return { sessions: createPostgresSessionStore({ pool: db.pool, schema: db.schema }), close: () => db.drop() };
  });

  describeStockGateContract('postgres', async () => {
    const db = await createTestDatabase({ max: 20 });
    return { gate: createPostgresStockGate({ pool: db.pool, schema: db.schema }), close: () => db.drop() };
  });

  describeAdmissionQueueContract('postgres', async () => {
    const db = await createTestDatabase({ max: 20 });
    return { queue: createPostgresAdmissionQueue({ pool: db.pool, schema: db.schema }), close: () => db.drop() };
  });

  describeQueueSettingsContract('postgres', async () => {
    const db = await createTestDatabase({ max: 20 });
    return { settings: createPostgresQueueSettingsStore({ pool: db.pool, schema: db.schema }), close: () => db.drop() };
  });

  describeEventBusContract('postgres', async () => {
    const db = await createTestDatabase();
    const bus = createPostgresEventBus({ pool: db.pool, schema: db.schema, pollIntervalMs: 250, retryInitialDelayMs: 20 });
    const { processedEvents } = createPostgresStores({ pool: db.pool, schema: db.schema });
    return {
      bus,
      processedEvents,
      close: async () => {
        await bus.close();
        await db.drop();
      },
    };
  });
});
