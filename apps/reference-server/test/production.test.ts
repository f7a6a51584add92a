import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DROP_ENV, runDrop } from './drop-scenario.js';
import { client, createStockedProduct, createUsers, type Json, startTestServer, type TestServer } from './support.js';

const { REDIS_URL } = process.env;
if (!REDIS_URL) {
  if (process.env.CI) throw new Error('REDIS_URL is required in CI for the production-profile HTTP suite');
  console.warn('production.test.ts skipped: REDIS_URL is not set');
}

/** The production profile with Redis admitting in front of the Postgres ledger (the tiered gate). */
describe.skipIf(!REDIS_URL)('production profile: Redis admits, Postgres confirms', () => {
  let server: TestServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startTestServer('postgres', { ...DROP_ENV, REDIS_URL: REDIS_URL! });
    redis = new Redis(REDIS_URL!);
  }, 90_000);

  afterAll(async () => {
    await server?.close();
    await redis?.quit();
  });

  it('reports Redis in readiness', async () => {
    // Readiness detail is for staff; the anonymous probe gets the bare status.
    const [staff] = await createUsers(server, 1, ['WAREHOUSE'], 'staff');
    const ready = await client(server.url).get('/readyz', { token: staff!.token });
    expect(ready.status).toBe(200);
    expect(ready.body.checks.map((check: Json) => check.name)).toContain('redis');
  });

  it('runs the drop exactly through the tiered gate', () => runDrop(server), 150_000);

  it('reports drift between Redis and the ledger and repairs it', async () => {
    const api = client(server.url);
    const admin = (await createUsers(server, 1, ['ADMIN'], 'admin'))[0]!;
    const product = await createStockedProduct(server, { units: 7 });
    const report = async () => (await api.get('/api/inventory/reconcile', { token: admin.token })).body;
    expect(await report()).toMatchObject({ mode: 'tiered', inSync: true });

    // Redis loses its data (a restart without persistence): every key of this deployment's prefix is gone.
    const mine = await redis.keys(`*limitedcart:${server.config.DB_SCHEMA}*`);
    expect(mine.length).toBeGreaterThan(0);
    await redis.del(...mine);
    const drifted = await report();
    expect(drifted.inSync).toBe(false);
    expect(drifted.skus.find((line: Json) => line.sku === product.sku)).toMatchObject({ inSync: false, ledger: { available: 7 } });

    const repaired = await api.post('/api/inventory/reconcile', undefined, { token: admin.token });
    expect(repaired.status).toBe(200);
    expect(repaired.body.inSync).toBe(false);
    const after = await report();
    expect(after.inSync).toBe(true);
    expect(after.skus.find((line: Json) => line.sku === product.sku)).toMatchObject({ admit: { available: 7 }, ledger: { available: 7 } });
  });
});

