import { randomUUID } from 'node:crypto';
import { isLimitedCartError } from '@limitedcart/core';
import { isRetryableError } from '@limitedcart/core/saga';
import { waitFor } from '@limitedcart/core/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../src/db.js';
import { createPgBossSagaRunner, type PgBossSagaRunner } from '../src/index.js';
import { createEffectActivities, effectsSchemaSql } from './fixtures/effects.js';
import { databaseUrl, dropSagaSchemas, TEST_RETRY, TEST_TUNING, uniqueSchema } from './support.js';

const url = databaseUrl();

/**
 * Connections Postgres ends (57P01, as on a restart) while the runner holds them checked out and idle: the saga
 * lock connection during an activity, a transaction's connection between statements. pg-pool takes its own
 * error listener off checked-out clients, so an unguarded one ends the process with an uncaught 'error'.
 */
describe.skipIf(!url)('pg-boss saga runner: connections the server ends', () => {
  const schema = uniqueSchema('lostconn_pgboss');
  const s = `"${schema}"`;
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {});
  let runner: PgBossSagaRunner | undefined;

  afterAll(async () => {
    await runner?.close();
    await pool.end();
    if (url) await dropSagaSchemas(url, schema);
  });

  const terminate = async (pid: number) => {
    await pool.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitFor(async () => (await pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0, {
      message: `backend ${pid} to end`,
    });
  };

  it('a lost saga lock connection fails that advance only; the retry takes the saga on', async () => {
    await pool.query(effectsSchemaSql(schema));
    let entered: (() => void) | undefined;
    const inActivity = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release: (() => void) | undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first call of the first activity waits here, its advance holding the saga lock connection idle.
    let held = false;
    const activities = createEffectActivities(pool, schema, {
      pauseMs: 0,
      afterCommit: async () => {
        if (held) return;
        held = true;
        entered?.();
        await released;
      },
    });
    const orderId = randomUUID();
    await pool.query(`INSERT INTO ${s}.fx_stock VALUES ($1, 0, 1, 0, 1)`, [`sku-${orderId}`]);
    await pool.query(`INSERT INTO ${s}.fx_holds VALUES ($1, $2, 1, 'HELD')`, [orderId, `sku-${orderId}`]);
    await pool.query(`INSERT INTO ${s}.fx_orders VALUES ($1, 'PENDING', NULL)`, [orderId]);

    runner = createPgBossSagaRunner({ pool, schema, activities, worker: true, retry: TEST_RETRY, tuning: TEST_TUNING });
    await runner.open();
    await runner.start({ orderId, paymentDeadline: new Date(Date.now() + 600_000).toISOString() });
    await inActivity;

    // The lock connection's last statement took this saga's advisory lock.
    const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE query LIKE $1', [
      `%limitedcart-saga:${schema}:${orderId}%`,
    ]);
    expect(rows).toHaveLength(1);
    await terminate(rows[0]!.pid);
    release?.();

    await waitFor(async () => (await runner!.describe(orderId))?.step === 'awaiting-payment', {
      timeoutMs: 20_000,
      message: 'the saga to reach awaiting-payment after the retry',
    });
    expect((await pool.query(`SELECT status FROM ${s}.fx_orders WHERE order_id = $1`, [orderId])).rows[0].status).toBe('PAYMENT_PENDING');
    expect((await runner.health()).ok).toBe(true);
  });

  it('calls on an unreachable database fail with a retryable INFRASTRUCTURE error, not a raw driver error', async () => {
    // Nothing listens on port 1: every connection attempt is refused, as while Postgres restarts.
    const unreachable = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres', max: 1 });
    unreachable.on('error', () => {});
    const activities = createEffectActivities(pool, schema);
    const offline = createPgBossSagaRunner({ pool: unreachable, schema, activities });
    try {
      for (const attempt of [
        offline.describe(randomUUID()),
        offline.signal(randomUUID(), { type: 'cancel', reason: 'outage' }),
        offline.start({ orderId: randomUUID(), paymentDeadline: new Date(Date.now() + 60_000).toISOString() }),
      ]) {
        const failure = await attempt.catch((error: unknown) => error);
        expect(isLimitedCartError(failure, 'INFRASTRUCTURE'), String(failure)).toBe(true);
        expect(isRetryableError(failure)).toBe(true);
      }
    } finally {
      await offline.close();
      await unreachable.end();
    }
  });

  it("a transaction on the caller's pool whose connection is ended rejects, and the pool serves again", async () => {
    const failure = await withTransaction(pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await terminate(rows[0]!.pid);
      await client.query('SELECT 1');
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
