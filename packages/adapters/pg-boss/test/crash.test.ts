import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@limitedcart/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgBossSagaRunner, type PgBossSagaRunner } from '../src/index.js';
import { createEffectActivities, effectsSchemaSql } from './fixtures/effects.js';
import { kill9, spawnWorker, springTrap } from './fixtures/processes.js';
import { databaseUrl, dropSagaSchemas, TEST_RETRY, TEST_TUNING, uniqueSchema } from './support.js';

const url = databaseUrl();
const WORKER_ENTRY = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));
const SKU = 'crash-sku';
const SAGAS = 50;
const STOCK = 80;
/** Worker loops × jobs per batch: at most this many advances are in flight when the worker dies. */
const CONCURRENCY = 2;
const BATCH = 2;
const IN_FLIGHT = CONCURRENCY * BATCH;

type Plan = 'pay' | 'cancel' | 'expire';
const planOf = (index: number): Plan => (['pay', 'pay', 'cancel', 'expire'] as const)[index % 4]!;
const EXPECTED: Record<Plan, string> = { pay: 'CONFIRMED', cancel: 'CANCELLED', expire: 'EXPIRED' };

describe.skipIf(!url)('pg-boss saga runner survives a worker killed mid-batch', () => {
  const schema = uniqueSchema('crash_pgboss');
  const pool = new pg.Pool({ connectionString: url, max: 6 });
  const s = `"${schema}"`;
  const children: ChildProcess[] = [];
  let client: PgBossSagaRunner;
  const workerEnv = { DATABASE_URL: url ?? '', SAGA_SCHEMA: schema, SAGA_CONCURRENCY: String(CONCURRENCY), SAGA_BATCH: String(BATCH) };

  beforeAll(async () => {
    await pool.query(effectsSchemaSql(schema));
    await pool.query(`INSERT INTO ${s}.fx_stock VALUES ($1, $2, 0, 0, $2)`, [SKU, STOCK]);
    // The API role: starts and signals sagas, applies the late-signal policy, runs no advance jobs.
    client = createPgBossSagaRunner({
      pool,
      schema,
      activities: createEffectActivities(pool, schema, { pauseMs: 0 }),
      retry: TEST_RETRY,
      tuning: TEST_TUNING,
    });
    await client.open();
  });

  afterAll(async () => {
    await Promise.all(children.map(kill9));
    await client?.close();
    await pool.end();
    if (url) await dropSagaSchemas(url, schema);
  });

  it('every saga ends in exactly one terminal state with stock and payments accounted for', async () => {
    const orders = Array.from({ length: SAGAS }, (_, index) => ({ orderId: randomUUID(), plan: planOf(index) }));
    for (const { orderId, plan } of orders) {
      await pool.query(`UPDATE ${s}.fx_stock SET available = available - 1, held = held + 1 WHERE sku = $1`, [SKU]);
      await pool.query(`INSERT INTO ${s}.fx_holds VALUES ($1, $2, 1, 'HELD')`, [orderId, SKU]);
      await pool.query(`INSERT INTO ${s}.fx_orders VALUES ($1, 'PENDING', NULL)`, [orderId]);
      if (plan === 'pay') await pool.query(`INSERT INTO ${s}.fx_payments VALUES ($1, $2, 'SUCCEEDED')`, [`pay-${orderId}`, orderId]);
    }

    children.push(await spawnWorker(WORKER_ENTRY, workerEnv));
    const windowMs = (plan: Plan) => (plan === 'expire' ? 4_000 : 600_000);
    for (const { orderId, plan } of orders) {
      await client.start({ orderId, paymentDeadline: new Date(Date.now() + windowMs(plan)).toISOString() });
      if (plan === 'pay') await client.signal(orderId, { type: 'payment-succeeded', paymentId: `pay-${orderId}` });
      if (plan === 'cancel') await client.signal(orderId, { type: 'cancel', reason: 'crash drill' });
    }

    // Kill the worker while the batch is in flight: some sagas done, others mid-advance.
    await waitFor(async () => (await client.summary()).COMPLETED >= 8, { timeoutMs: 30_000, message: 'first sagas to end' });
    // Arm the worker's trap: the next activity to commit an effect reports itself and never returns, so the kill
    // lands in the window between an effect and its journal entry, with other advances in flight beside it.
    const first = children[0]!;
    const victim = await springTrap(first);
    const atKill = await client.summary();
    const { rows: active } = await pool.query(
      `SELECT count(*)::int AS n FROM "${schema}_boss".job WHERE name = 'saga.advance' AND state = 'active'`,
    );
    await kill9(first);
    expect(atKill.RUNNING).toBeGreaterThan(0);

    children.push(await spawnWorker(WORKER_ENTRY, workerEnv));
    await waitFor(async () => (await client.summary()).RUNNING === 0, { timeoutMs: 45_000, message: 'every saga to end' });

    // Redelivered and late webhooks after the end: a second copy of each kept payment (never refunded) and a
    // payment on every cancelled order (refunded exactly once, even when delivered twice).
    for (const { orderId, plan } of orders) {
      if (plan === 'pay') {
        expect(await client.signal(orderId, { type: 'payment-succeeded', paymentId: `pay-${orderId}` })).toEqual({ delivered: false });
      }
      if (plan === 'cancel') {
        await pool.query(`INSERT INTO ${s}.fx_payments VALUES ($1, $2, 'SUCCEEDED')`, [`late-${orderId}`, orderId]);
        const late = { type: 'payment-succeeded', paymentId: `late-${orderId}` } as const;
        expect(await client.signal(orderId, late)).toEqual({ delivered: false });
        expect(await client.signal(orderId, late)).toEqual({ delivered: false });
      }
    }

    // Exactly one terminal state per saga and per order, and the one the plan called for.
    for (const { orderId, plan } of orders) {
      const description = await client.describe(orderId);
      expect(description).toMatchObject({ status: 'COMPLETED', outcome: EXPECTED[plan], error: null });
    }
    const { rows: statuses } = await pool.query(`SELECT order_id, status FROM ${s}.fx_orders`);
    expect(Object.fromEntries(statuses.map((row) => [row.order_id, row.status]))).toEqual(
      Object.fromEntries(orders.map(({ orderId, plan }) => [orderId, EXPECTED[plan]])),
    );

    // No effect applied twice: each order moved, settled its hold and was refunded at most once.
    const { rows: twice } = await pool.query(
      `SELECT order_id, activity, arg, count(*) FROM ${s}.fx_calls WHERE changed GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    );
    expect(twice).toEqual([]);
    const { rows: settled } = await pool.query(
      `SELECT order_id FROM ${s}.fx_calls WHERE changed AND activity IN ('commitStock', 'releaseStock')
       GROUP BY 1 HAVING count(*) <> 1`,
    );
    expect(settled).toEqual([]);

    // The journal, not luck, prevented re-runs: only activities in flight at the kill ran a second time.
    const { rows: reruns } = await pool.query(
      `SELECT coalesce(sum(n - 1), 0)::int AS extra FROM (
         SELECT count(*) AS n FROM ${s}.fx_calls GROUP BY order_id, activity, arg) calls`,
    );
    expect(reruns[0].extra).toBeGreaterThanOrEqual(1);
    expect(reruns[0].extra).toBeLessThanOrEqual(IN_FLIGHT);
    const { rows: victimCalls } = await pool.query(
      `SELECT changed FROM ${s}.fx_calls WHERE order_id = $1 AND activity = $2 ORDER BY id`,
      [victim.orderId, victim.activity],
    );
    expect(victimCalls.map((row) => row.changed)).toEqual([true, false]);
    console.info(
      `crash test: killed with ${atKill.COMPLETED} sagas ended, ${atKill.RUNNING} running and ${active[0].n} advance job(s) active, ${victim.activity} of one saga applied but not journaled; ${reruns[0].extra} activity call(s) re-ran after the kill`,
    );

    // Stock accounted for exactly: every unit is available or sold, sold = confirmed orders.
    const confirmed = orders.filter((o) => o.plan === 'pay').length;
    const { rows: stock } = await pool.query(`SELECT available, held, sold, restocked FROM ${s}.fx_stock WHERE sku = $1`, [SKU]);
    expect(stock[0]).toEqual({ available: STOCK - confirmed, held: 0, sold: confirmed, restocked: STOCK });

    // Payments: kept ones captured, late ones refunded once.
    const { rows: payments } = await pool.query(`SELECT payment_id, status FROM ${s}.fx_payments ORDER BY payment_id`);
    for (const payment of payments) {
      expect(payment.status).toBe(payment.payment_id.startsWith('late-') ? 'REFUNDED' : 'SUCCEEDED');
    }
  }, 120_000);
});
