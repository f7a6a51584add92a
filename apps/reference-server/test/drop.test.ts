import { afterAll, beforeAll, describe, it } from 'vitest';
import { DROP_ENV, runDrop } from './drop-scenario.js';
import { startTestServer, type TestServer } from './support.js';

/** The drop on the durable composition: Postgres stores and gate, pg-boss sagas, LISTEN/NOTIFY events. */
describe('a drop: 300 shoppers, 50 units, limit 1 (Postgres)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('postgres', DROP_ENV);
  }, 90_000);

  afterAll(async () => {
    await server?.close();
  });

  it('sells exactly the stock, settles every order and streams each transition in order', () => runDrop(server), 150_000);
});
