import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DROP_ENV, runDrop } from './drop-scenario.js';
import { client, createUsers, type Json, startTestServer, type TestServer } from './support.js';

const REQUIRED = ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'TEMPORAL_ADDRESS'] as const;
const missing = REQUIRED.filter((name) => !process.env[name]);
if (missing.length > 0) {
  if (process.env.CI) throw new Error(`the distributed HTTP suite needs ${missing.join(', ')} in CI`);
  console.warn(`distributed.test.ts skipped: ${missing.join(', ')} not set`);
}

/** Every distributed adapter at once: Redis admits, Postgres confirms, Kafka carries events, Temporal runs sagas. */
describe.skipIf(missing.length > 0)('production profile with Redis, Kafka and Temporal', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('postgres', {
      ...DROP_ENV,
      REDIS_URL: process.env.REDIS_URL!,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
      TEMPORAL_TASK_QUEUE: `rs-${randomBytes(5).toString('hex')}`,
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  }, 60_000);

  it('reports every adapter ready', async () => {
    // Readiness detail is for staff; the anonymous probe gets the bare status.
    const [staff] = await createUsers(server, 1, ['WAREHOUSE'], 'staff');
    const ready = await client(server.url).get('/readyz', { token: staff!.token });
    const names = ready.body.checks.map((check: Json) => check.name).join(' ');
    expect(ready.status).toBe(200);
    for (const part of ['redis', 'temporal-worker', 'kafka']) expect(names).toContain(part);
  });

  it('runs the drop exactly', () => runDrop(server), 150_000);

  it('shows the lag of the saga starter and of the SSE fan-out as consumer groups of their own in /metrics', async () => {
    const [admin] = await createUsers(server, 1, ['ADMIN'], 'lag-admin');
    const metrics = await client(server.url).get('/metrics', { token: admin!.token });
    const lagOf = (group: RegExp) =>
      String(metrics.body)
        .split('\n')
        .filter((line) => line.startsWith('limitedcart_event_consumer_lag{') && group.test(line));
    expect(lagOf(/group="limitedcart\.saga-starter"/).length, 'saga starter partitions reported').toBeGreaterThan(0);
    expect(lagOf(/group="limitedcart\.sse-/).length, 'SSE fan-out partitions reported').toBeGreaterThan(0);
  });
});
