import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPostgresStockGate, createPostgresStores, migrate } from '@limitedcart/adapter-postgres';
import type { TerminalOrderStatus } from '@limitedcart/core';
import { assertStockInvariant, createSagaKitWorld, type HeldOrder, type SagaKitWorld, waitFor } from '@limitedcart/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgBossSagaRunner, type PgBossSagaRunner } from '../src/index.js';
import { kill9, spawnWorker, springTrap } from './fixtures/processes.js';
import { databaseUrl, dropSagaSchemas, TEST_RETRY, TEST_TUNING, uniqueSchema } from './support.js';

const url = databaseUrl();
const WORKER_ENTRY = fileURLToPath(new URL('./fixtures/worker-postgres.ts', import.meta.url));
const SAGAS = 40;

type Plan = 'pay' | 'cancel' | 'expire';
const planOf = (index: number): Plan => (['pay', 'pay', 'cancel', 'expire'] as const)[index % 4]!;
const EXPECTED: Record<Plan, TerminalOrderStatus> = { pay: 'CONFIRMED', cancel: 'CANCELLED', expire: 'EXPIRED' };

describe.skipIf(!url)('pg-boss saga runner on the Postgres adapter survives a worker killed mid-batch', () => {
  const schema = uniqueSchema('crashpg_pgboss');
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  const children: ChildProcess[] = [];
  const workerEnv = { DATABASE_URL: url ?? '', SAGA_SCHEMA: schema };
  let world: SagaKitWorld;
  let client: PgBossSagaRunner;

  beforeAll(async () => {
    await migrate({ pool, schema });
    world = createSagaKitWorld({
      stores: createPostgresStores({ pool, schema }),
      gate: createPostgresStockGate({ pool, schema }),
    });
    client = createPgBossSagaRunner({ pool, schema, activities: world.activities, retry: TEST_RETRY, tuning: TEST_TUNING });
    await client.open();
  });

  afterAll(async () => {
    await Promise.all(children.map(kill9));
    await client?.close();
    await pool.end();
    if (url) {
      await dropSagaSchemas(url, schema);
    }
  });

  it('every order ends once, with stock, payments and progress events accounted for', async () => {
    const orders: { held: HeldOrder; plan: Plan; paymentId?: string }[] = [];
    for (let index = 0; index < SAGAS; index += 1) {
      const plan = planOf(index);
      const held = await world.placeHeldOrder({ quantity: 1 + (index % 3), holdMs: 3_600_000 });
      orders.push({ held, plan, ...(plan === 'pay' ? { paymentId: await world.capturePayment(held.orderId) } : {}) });
    }

    children.push(await spawnWorker(WORKER_ENTRY, workerEnv));
    for (const { held, plan, paymentId } of orders) {
      const windowMs = plan === 'expire' ? 4_000 : 600_000;
      await client.start({ orderId: held.orderId, paymentDeadline: new Date(Date.now() + windowMs).toISOString() });
      if (paymentId) await client.signal(held.orderId, { type: 'payment-succeeded', paymentId });
      if (plan === 'cancel') await client.signal(held.orderId, { type: 'cancel', reason: 'crash drill' });
    }

    await waitFor(async () => (await client.summary()).COMPLETED >= 6, { timeoutMs: 30_000, message: 'first sagas to end' });
    const victim = await springTrap(children[0]!);
    await kill9(children[0]!);
    expect((await client.summary()).RUNNING).toBeGreaterThan(0);

    children.push(await spawnWorker(WORKER_ENTRY, workerEnv));
    await waitFor(async () => (await client.summary()).RUNNING === 0, { timeoutMs: 45_000, message: 'every saga to end' });

    // A payment captured after each cancellation is refunded by the late-signal policy, once.
    const late = new Map<string, string>();
    for (const { held, plan } of orders) {
      if (plan !== 'cancel') continue;
      const paymentId = await world.capturePayment(held.orderId);
      late.set(held.orderId, paymentId);
      expect(await client.signal(held.orderId, { type: 'payment-succeeded', paymentId })).toEqual({ delivered: false });
    }

    for (const { held, plan, paymentId } of orders) {
      const outcome = EXPECTED[plan];
      expect(await client.describe(held.orderId)).toMatchObject({ status: 'COMPLETED', outcome, error: null });
      expect((await world.order(held.orderId)).status).toBe(outcome);
      const snapshot = await world.gate.snapshot(held.sku);
      assertStockInvariant(snapshot);
      const sold = plan === 'pay' ? held.quantity : 0;
      expect(snapshot).toMatchObject({ held: 0, sold, available: held.stock - sold, restockedTotal: held.stock });
      expect(await world.gate.holdState(held.orderId)).toBe(plan === 'pay' ? 'COMMITTED' : 'RELEASED');
      if (paymentId) expect((await world.stores.payments.get(paymentId))?.status).toBe('SUCCEEDED');
      const latePayment = late.get(held.orderId);
      if (latePayment) expect((await world.stores.payments.get(latePayment))?.status).toBe('REFUNDED');
    }

    // Every transition emitted exactly one progress event, the trapped one included: no effect applied twice.
    const { rows } = await pool.query(
      `SELECT aggregate_id, array_agg(payload->>'status' ORDER BY position) AS statuses
       FROM "${schema}".outbox WHERE type = 'order.progress' GROUP BY aggregate_id`,
    );
    expect(Object.fromEntries(rows.map((row) => [row.aggregate_id, row.statuses]))).toEqual(
      Object.fromEntries(orders.map(({ held, plan }) => [held.orderId, ['PAYMENT_PENDING', EXPECTED[plan]]])),
    );
    console.info(`crash test (adapter-postgres): killed while ${victim.activity} of one saga was applied but not journaled`);
  }, 120_000);
});
