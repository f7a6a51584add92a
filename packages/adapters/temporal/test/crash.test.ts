import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@limitedcart/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows, createTemporalSagaRunner, type TemporalSagaRunner } from '../src/index.js';
import { crashSchemaSql } from './support/pg-activities.js';
import { requireTemporalAddress, temporalAddress, uniqueName } from './support/temporal-env.js';

const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl === undefined) {
  if (process.env.CI) throw new Error('DATABASE_URL is not set: the crash test records effects in Postgres');
  console.warn('skipping the Temporal crash test: DATABASE_URL is not set');
}
const describeCrash = databaseUrl === undefined || temporalAddress === undefined ? describe.skip : describe;

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const SAGAS = 30;
type Fate = 'pay' | 'cancel' | 'expire';
const fateOf = (index: number): Fate => (['pay', 'cancel', 'expire'] as const)[index % 3]!;
const EXPECTED: Record<Fate, string> = { pay: 'CONFIRMED', cancel: 'CANCELLED', expire: 'EXPIRED' };

// Both ways of running the saga's steps: activity tasks, and local activities inside the workflow task.
describeCrash.each([
  { localActivities: true, label: 'on' },
  { localActivities: false, label: 'off' },
])('temporal worker killed with SIGKILL mid-batch (local activities $label)', ({ localActivities }) => {
  const taskQueue = uniqueName('crash');
  const schema = `temporal_crash_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const bundleDir = mkdtempSync(join(tmpdir(), 'limitedcart-temporal-bundle-'));
  const bundlePath = join(bundleDir, 'workflows.js');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const children: ChildProcess[] = [];
  let runner: TemporalSagaRunner;

  const spawnWorker = (name: string): ChildProcess => {
    const child = spawn(process.execPath, ['--conditions=@limitedcart/source', '--import', 'tsx', 'test/fixtures/worker.ts'], {
      cwd: packageDir,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: requireTemporalAddress(),
        TASK_QUEUE: taskQueue,
        CRASH_SCHEMA: schema,
        WORKER_NAME: name,
        WORKFLOW_BUNDLE: bundlePath,
        ACTIVITY_DELAY_MS: '150',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    return child;
  };

  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    Number((await pool.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);
  const terminalOrders = () =>
    count(`SELECT count(*) AS n FROM ${schema}.orders WHERE status IN ('CONFIRMED', 'CANCELLED', 'EXPIRED', 'FAILED')`);
  const callsBy = (worker: string) => count(`SELECT count(*) AS n FROM ${schema}.activity_calls WHERE worker = $1`, [worker]);

  beforeAll(async () => {
    await pool.query(crashSchemaSql(schema));
    writeFileSync(bundlePath, (await bundleWorkflows()).code);
    runner = createTemporalSagaRunner({
      address: requireTemporalAddress(),
      taskQueue,
      activityStartToCloseTimeoutMs: 5_000,
      localActivities,
    });
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await runner?.close();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it('every saga ends in exactly one terminal state with its stock accounted for', async () => {
    const orders = Array.from({ length: SAGAS }, (_, index) => ({ orderId: `${taskQueue}-${index}`, fate: fateOf(index), index }));
    for (const { orderId } of orders) await pool.query(`INSERT INTO ${schema}.orders (order_id) VALUES ($1)`, [orderId]);
    const signal = ({ orderId, fate }: { orderId: string; fate: Fate }) =>
      fate === 'pay'
        ? runner.signal(orderId, { type: 'payment-succeeded', paymentId: `${orderId}-pay` })
        : runner.signal(orderId, { type: 'cancel', reason: 'crash drill' });

    const first = spawnWorker('A');
    const startedAt = Date.now();
    for (const { orderId, fate } of orders) {
      const deadlineMs = fate === 'expire' ? 15_000 : 600_000;
      expect(await runner.start({ orderId, paymentDeadline: new Date(startedAt + deadlineMs).toISOString() })).toEqual({ started: true });
    }
    // Half of the payments and cancels reach worker A; the other half arrive while no worker runs.
    const signalled = orders.filter(({ fate, index }) => fate !== 'expire' && index % 2 === 0);
    const later = orders.filter(({ fate, index }) => fate !== 'expire' && index % 2 === 1);
    await Promise.all(signalled.map(signal));

    await waitFor(async () => (await callsBy('A')) >= 40 && (await terminalOrders()) >= 2, {
      timeoutMs: 40_000,
      intervalMs: 20,
      message: 'worker A to be mid-batch',
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const terminalAtKill = await terminalOrders();
    expect(terminalAtKill).toBeLessThan(SAGAS);

    await Promise.all(later.map(signal));
    await signal(signalled[0]!); // a repeated webhook for an order worker A may already have confirmed
    spawnWorker('B');

    await waitFor(async () => (await terminalOrders()) === SAGAS, { timeoutMs: 60_000, message: 'every order to end' });
    const described = await waitFor(
      async () => {
        const all = await Promise.all(orders.map(({ orderId }) => runner.describe(orderId)));
        return all.every((saga) => saga?.status === 'COMPLETED') ? all : null;
      },
      { timeoutMs: 30_000, message: 'every saga to complete' },
    );

    const rows = (await pool.query<{ order_id: string; status: string; hold: string }>(`SELECT order_id, status, hold FROM ${schema}.orders`))
      .rows;
    const byId = new Map(rows.map((row) => [row.order_id, row]));
    for (const [i, { orderId, fate }] of orders.entries()) {
      const row = byId.get(orderId);
      expect(row?.status, orderId).toBe(EXPECTED[fate]);
      expect(row?.hold, orderId).toBe(fate === 'pay' ? 'sold' : 'released');
      expect(described[i]?.outcome, orderId).toBe(EXPECTED[fate]);
    }
    // Exactly one terminal transition per order, however often activities re-ran after the crash.
    const terminalTransitions = await pool.query<{ order_id: string; n: string }>(
      `SELECT order_id, count(*) AS n FROM ${schema}.transitions WHERE status <> 'PAYMENT_PENDING' GROUP BY order_id`,
    );
    expect(terminalTransitions.rows).toHaveLength(SAGAS);
    expect(terminalTransitions.rows.filter((row) => row.n !== '1')).toEqual([]);
    // Stock: every unit either sold (paid orders) or back on sale; none left held.
    expect(await count(`SELECT count(*) AS n FROM ${schema}.orders WHERE hold = 'sold'`)).toBe(SAGAS / 3);
    expect(await count(`SELECT count(*) AS n FROM ${schema}.orders WHERE hold = 'held'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM ${schema}.refunds`)).toBe(0);
    // Both workers did part of the batch.
    const callsA = await callsBy('A');
    const callsB = await callsBy('B');
    expect(callsA).toBeGreaterThan(0);
    expect(callsB).toBeGreaterThan(0);
    const rerun = await count(
      `SELECT count(*) - count(DISTINCT (order_id, activity)) AS n FROM ${schema}.activity_calls`,
    );
    console.info(
      `crash test: ${terminalAtKill}/${SAGAS} orders ended before the kill; activity calls A=${callsA} B=${callsB}, ${rerun} re-run after the crash`,
    );
  }, 150_000);
});
