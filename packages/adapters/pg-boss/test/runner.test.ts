import { randomUUID } from 'node:crypto';
import { LimitedCartError } from '@limitedcart/core';
import type { OrderSagaActivities } from '@limitedcart/core/saga';
import { waitFor } from '@limitedcart/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgBossSagaRunner, DEAD_LETTER_QUEUE, type PgBossSagaRunner } from '../src/index.js';
import { createEffectActivities, effectsSchemaSql } from './fixtures/effects.js';
import { databaseUrl, dropSagaSchemas, TEST_RETRY, TEST_TUNING, uniqueSchema } from './support.js';

const url = databaseUrl();
const LONG = 600_000;

describe.skipIf(!url)('pg-boss saga runner', () => {
  const schema = uniqueSchema('runner_pgboss');
  const s = `"${schema}"`;
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  /** Per order and activity: calls left that throw, and whether the fault is retryable. */
  const faults = new Map<string, { remaining: number; retryable: boolean }>();
  let activities: OrderSagaActivities;
  const runners: PgBossSagaRunner[] = [];

  const makeRunner = async (worker: boolean): Promise<PgBossSagaRunner> => {
    const runner = createPgBossSagaRunner({ pool, schema, activities, worker, retry: TEST_RETRY, tuning: TEST_TUNING });
    runners.push(runner);
    await runner.open();
    return runner;
  };

  const placeOrder = async (): Promise<string> => {
    const orderId = randomUUID();
    await pool.query(`INSERT INTO ${s}.fx_stock VALUES ($1, 0, 1, 0, 1)`, [`sku-${orderId}`]);
    await pool.query(`INSERT INTO ${s}.fx_holds VALUES ($1, $2, 1, 'HELD')`, [orderId, `sku-${orderId}`]);
    await pool.query(`INSERT INTO ${s}.fx_orders VALUES ($1, 'PENDING', NULL)`, [orderId]);
    return orderId;
  };
  const capture = async (orderId: string): Promise<string> => {
    const paymentId = randomUUID();
    await pool.query(`INSERT INTO ${s}.fx_payments VALUES ($1, $2, 'SUCCEEDED')`, [paymentId, orderId]);
    return paymentId;
  };
  const paymentStatus = async (paymentId: string) =>
    (await pool.query(`SELECT status FROM ${s}.fx_payments WHERE payment_id = $1`, [paymentId])).rows[0]?.status;
  const calls = async (orderId: string, activity: string): Promise<number> =>
    (await pool.query(`SELECT count(*)::int AS n FROM ${s}.fx_calls WHERE order_id = $1 AND activity = $2`, [orderId, activity]))
      .rows[0].n;
  const journalKinds = async (orderId: string): Promise<string[]> =>
    (
      await pool.query(
        `SELECT kind || coalesce(':' || (payload->>'name'), '') AS entry FROM ${s}.saga_journal WHERE order_id = $1 ORDER BY seq`,
        [orderId],
      )
    ).rows.map((row) => row.entry);
  const deadline = (ms = LONG) => new Date(Date.now() + ms).toISOString();
  const ended = (runner: PgBossSagaRunner, orderId: string) =>
    waitFor(async () => {
      const description = await runner.describe(orderId);
      return description && description.status !== 'RUNNING' ? description : null;
    }, { message: `saga ${orderId} to end`, timeoutMs: 30_000 });
  const awaitingPayment = (runner: PgBossSagaRunner, orderId: string) =>
    waitFor(async () => (await runner.describe(orderId))?.step === 'awaiting-payment', {
      message: `saga ${orderId} awaiting payment`,
      timeoutMs: 30_000,
    });

  beforeAll(async () => {
    await pool.query(effectsSchemaSql(schema));
    const real = createEffectActivities(pool, schema, { pauseMs: 0 });
    activities = Object.fromEntries(
      Object.entries(real).map(([name, run]) => [
        name,
        async (...args: unknown[]) => {
          const fault = faults.get(`${String(args[0])}:${name}`);
          if (fault && fault.remaining > 0) {
            fault.remaining -= 1;
            throw new LimitedCartError(fault.retryable ? 'INFRASTRUCTURE' : 'INTERNAL', `test fault in ${name}`);
          }
          return (run as (...a: unknown[]) => Promise<unknown>)(...args);
        },
      ]),
    ) as unknown as OrderSagaActivities;
  });

  afterAll(async () => {
    for (const runner of runners) await runner.close();
    await pool.end();
    if (url) await dropSagaSchemas(url, schema);
  });

  it('rejects bad input with typed errors and writes nothing', async () => {
    expect(() =>
      createPgBossSagaRunner({ pool, schema: 'Bad-Schema;', activities, worker: false }),
    ).toThrowError(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() =>
      createPgBossSagaRunner({ pool, schema, activities: { ...activities, refundPayment: undefined } as never }),
    ).toThrowError(expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining('refundPayment') }));
    const client = await makeRunner(false);
    await expect(client.start({ orderId: '', paymentDeadline: deadline() })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(client.start({ orderId: randomUUID(), paymentDeadline: 'tomorrow-ish' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    const orderId = randomUUID();
    await expect(
      client.signal(orderId, { type: 'payment-succeeded', paymentId: '' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(client.signal(orderId, { type: 'cancel', reason: 'no saga' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await client.describe(orderId)).toBeNull();
    const { rows } = await pool.query(`SELECT (SELECT count(*) FROM ${s}.saga_instances)::int + (SELECT count(*) FROM ${s}.saga_signals)::int AS n`);
    expect(rows[0].n).toBe(0);
  });

  it('a client queues durable work that a worker started later executes', async () => {
    const client = await makeRunner(false);
    const orderId = await placeOrder();
    const paymentDeadline = deadline();
    expect(await client.start({ orderId, paymentDeadline })).toEqual({ started: true });
    // The first advance, and the payment-deadline timer queued with it.
    const { rows } = await pool.query(
      `SELECT data->>'reason' AS reason, singleton_key, start_after FROM "${schema}_boss".job
       WHERE name = 'saga.advance' AND data->>'orderId' = $1 ORDER BY 1`,
      [orderId],
    );
    expect(rows).toEqual([
      { reason: 'deadline', singleton_key: `${orderId}:deadline`, start_after: new Date(paymentDeadline) },
      expect.objectContaining({ reason: 'start', singleton_key: orderId }),
    ]);
    expect(await client.describe(orderId)).toMatchObject({ status: 'RUNNING', step: 'started', outcome: null });
    await makeRunner(true);
    await awaitingPayment(client, orderId);
    expect((await client.health()).ok).toBe(true);
  });

  it('sagas started at once each get exactly one job, and a repeated start is not a new saga', async () => {
    const client = await makeRunner(false);
    const orderIds = await Promise.all(Array.from({ length: 40 }, () => placeOrder()));
    const again = orderIds[0] as string;
    const results = await Promise.all([
      ...orderIds.map((orderId) => client.start({ orderId, paymentDeadline: deadline() })),
      client.start({ orderId: again, paymentDeadline: deadline() }),
    ]);
    expect(results.slice(0, 40)).toEqual(orderIds.map(() => ({ started: true })));
    expect(results[40]).toEqual({ started: false });
    expect(await client.start({ orderId: again, paymentDeadline: deadline() })).toEqual({ started: false });
    const { rows } = await pool.query(
      `SELECT data->>'orderId' AS order_id, count(*) FILTER (WHERE data->>'reason' = 'start')::int AS starts,
         count(*) FILTER (WHERE data->>'reason' = 'deadline')::int AS timers
       FROM "${schema}_boss".job WHERE name = 'saga.advance' AND data->>'orderId' = ANY($1::text[]) GROUP BY 1`,
      [orderIds],
    );
    expect(rows).toHaveLength(40);
    expect(rows.every((row) => row.starts === 1 && row.timers === 1)).toBe(true);
    const worker = await makeRunner(true);
    for (const orderId of orderIds) await awaitingPayment(worker, orderId);
  });

  it('descriptions asked for together share one statement, each with its own answer', async () => {
    let queries = 0;
    const counted = new Proxy(pool, {
      get(target, property, receiver) {
        if (property === 'query') {
          return (...args: unknown[]) => {
            queries += 1;
            return (target.query as (...a: unknown[]) => unknown)(...args);
          };
        }
        return Reflect.get(target, property, receiver);
      },
    });
    const client = createPgBossSagaRunner({ pool: counted, schema, activities, worker: false, retry: TEST_RETRY, tuning: TEST_TUNING });
    runners.push(client);
    await client.open();
    const orderIds = await Promise.all(Array.from({ length: 30 }, () => placeOrder()));
    await Promise.all(orderIds.map((orderId) => client.start({ orderId, paymentDeadline: deadline() })));
    const unknown = randomUUID();
    queries = 0;
    const described = await Promise.all([...orderIds, unknown].map((orderId) => client.describe(orderId)));
    expect(queries).toBe(1);
    expect(described.slice(0, 30)).toEqual(orderIds.map((orderId) => expect.objectContaining({ orderId, status: 'RUNNING' })));
    expect(described[30]).toBeNull();
  });

  it('a saga waiting for payment resumes on a new worker by replaying its journal', async () => {
    const first = await makeRunner(true);
    const orderId = await placeOrder();
    await first.start({ orderId, paymentDeadline: deadline() });
    await awaitingPayment(first, orderId);
    await first.close();

    const second = await makeRunner(true);
    const paymentId = await capture(orderId);
    expect(await second.signal(orderId, { type: 'payment-succeeded', paymentId })).toEqual({ delivered: true });
    expect(await ended(second, orderId)).toMatchObject({ status: 'COMPLETED', outcome: 'CONFIRMED', step: 'confirmed' });
    expect(await journalKinds(orderId)).toEqual([
      'activity:markPaymentPending',
      'signal',
      'activity:commitStock',
      'activity:confirmOrder',
      'drain',
    ]);
    expect(await calls(orderId, 'markPaymentPending')).toBe(1);
  });

  it('journals every call, the last one in the transaction that ends the saga', async () => {
    const first = await makeRunner(true);
    const orderId = await placeOrder();
    await first.start({ orderId, paymentDeadline: deadline() });
    await awaitingPayment(first, orderId);
    await first.close();
    // Both signals wait for the next worker: it takes the cancel, then drains the payment and refunds it.
    const client = await makeRunner(false);
    const paymentId = await capture(orderId);
    await client.signal(orderId, { type: 'cancel', reason: 'changed my mind' });
    await client.signal(orderId, { type: 'payment-succeeded', paymentId });
    const second = await makeRunner(true);
    expect(await ended(second, orderId)).toMatchObject({ status: 'COMPLETED', outcome: 'CANCELLED' });
    expect(await journalKinds(orderId)).toEqual([
      'activity:markPaymentPending',
      'signal',
      'activity:releaseStock',
      'activity:endOrder',
      'drain',
      'activity:refundPayment',
    ]);
    expect(await paymentStatus(paymentId)).toBe('REFUNDED');
  });

  it('a non-retryable fault after the sale fails the saga and dead-letters its job', async () => {
    const worker = await makeRunner(true);
    const orderId = await placeOrder();
    faults.set(`${orderId}:confirmOrder`, { remaining: 1, retryable: false });
    await worker.start({ orderId, paymentDeadline: deadline() });
    await awaitingPayment(worker, orderId);
    await worker.signal(orderId, { type: 'payment-succeeded', paymentId: await capture(orderId) });
    expect(await ended(worker, orderId)).toMatchObject({
      status: 'FAILED',
      step: 'committing',
      outcome: null,
      error: expect.stringContaining('test fault in confirmOrder'),
    });
    expect(faults.get(`${orderId}:confirmOrder`)?.remaining).toBe(0);
    await waitFor(
      async () =>
        (
          await pool.query(`SELECT 1 FROM "${schema}_boss".job WHERE name = $1 AND data->>'orderId' = $2`, [
            DEAD_LETTER_QUEUE,
            orderId,
          ])
        ).rowCount === 1,
      { message: 'dead-lettered advance job' },
    );
  });

  it('a transient fault that outlasts the retries is handed to the saga on the last attempt', async () => {
    const worker = await makeRunner(true);
    const orderId = await placeOrder();
    faults.set(`${orderId}:confirmOrder`, { remaining: 100, retryable: true });
    await worker.start({ orderId, paymentDeadline: deadline() });
    await awaitingPayment(worker, orderId);
    await worker.signal(orderId, { type: 'payment-succeeded', paymentId: await capture(orderId) });
    expect(await ended(worker, orderId)).toMatchObject({ status: 'FAILED', error: expect.stringContaining('INFRASTRUCTURE') });
    expect(faults.get(`${orderId}:confirmOrder`)?.remaining).toBe(100 - (TEST_RETRY.limit + 1));
  });

  it('a saga that diverges from its journal is failed as a defect, not retried', async () => {
    const worker = await makeRunner(true);
    const orderId = await placeOrder();
    await worker.start({ orderId, paymentDeadline: deadline() });
    await awaitingPayment(worker, orderId);
    await pool.query(
      `UPDATE ${s}.saga_journal SET payload = jsonb_set(payload, '{name}', '"confirmOrder"') WHERE order_id = $1 AND seq = 0`,
      [orderId],
    );
    await worker.signal(orderId, { type: 'cancel', reason: 'replay me' });
    expect(await ended(worker, orderId)).toMatchObject({ status: 'FAILED', error: expect.stringContaining('diverged') });
  });

  it('a payment racing a cancel is either kept by a confirmed order or refunded, never lost', async () => {
    const worker = await makeRunner(true);
    const before = await worker.summary();
    const races = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const orderId = await placeOrder();
        await worker.start({ orderId, paymentDeadline: deadline() });
        await awaitingPayment(worker, orderId);
        const paymentId = await capture(orderId);
        await Promise.all([
          worker.signal(orderId, { type: 'cancel', reason: 'race' }),
          worker.signal(orderId, { type: 'payment-succeeded', paymentId }),
        ]);
        return { orderId, paymentId };
      }),
    );
    for (const { orderId, paymentId } of races) {
      const description = await ended(worker, orderId);
      expect(description.status).toBe('COMPLETED');
      const expected = description.outcome === 'CONFIRMED' ? 'SUCCEEDED' : 'REFUNDED';
      await waitFor(async () => (await paymentStatus(paymentId)) === expected, { message: `payment ${paymentId} ${expected}` });
      expect(await calls(orderId, 'refundPayment')).toBeLessThanOrEqual(1);
    }
    expect(await worker.summary()).toEqual({ ...before, COMPLETED: before.COMPLETED + races.length });
  });
});
