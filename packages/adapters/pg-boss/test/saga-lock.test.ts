import { randomUUID } from 'node:crypto';
import { waitFor } from '@limitedcart/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgBossSagaRunner, type PgBossSagaRunner } from '../src/index.js';
import { createEffectActivities, effectsSchemaSql } from './fixtures/effects.js';
import { databaseUrl, dropSagaSchemas, TEST_RETRY, TEST_TUNING, uniqueSchema } from './support.js';

const url = databaseUrl();

/** Every simple-protocol message (text without parameters) a connection sends, with the connection's number. */
const sent: { readonly connection: number; readonly text: string }[] = [];
let connections = 0;
class RecordingClient extends pg.Client {
  readonly #connection = ++connections;
  override query(...args: never[]): never {
    const [config] = args as unknown[];
    const text = typeof config === 'string' ? config : (config as { text?: unknown } | undefined)?.text;
    if (typeof text === 'string') sent.push({ connection: this.#connection, text });
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

describe.skipIf(!url)('pg-boss saga runner: the saga lock', () => {
  const schema = uniqueSchema('lock_pgboss');
  const s = `"${schema}"`;
  // The runner's lock connections are made from this pool's options, so they record too.
  const pool = new pg.Pool({ connectionString: url, max: 10, Client: RecordingClient });
  let runner: PgBossSagaRunner;

  const lockKey = (orderId: string) => `limitedcart-saga:${schema}:${orderId}`;
  /** The messages of the connections that took this saga's lock, from its first lock attempt on. */
  const lockMessages = (orderId: string) => {
    const first = sent.findIndex((message) => message.text.includes(lockKey(orderId)));
    const lockConnections = new Set(sent.filter((message) => message.text.includes(lockKey(orderId))).map((m) => m.connection));
    return sent.slice(Math.max(0, first)).filter((message) => lockConnections.has(message.connection)).map((message) => message.text);
  };
  /** Whether any session holds the saga's advisory lock now. */
  const lockHeld = async (orderId: string): Promise<boolean> => {
    const { rows } = await pool.query<{ held: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM pg_locks
         WHERE locktype = 'advisory' AND granted AND objsubid = 1
           AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)
       ) AS held`,
      [lockKey(orderId)],
    );
    return rows[0]?.held === true;
  };
  const placeOrder = async (): Promise<string> => {
    const orderId = randomUUID();
    await pool.query(`INSERT INTO ${s}.fx_stock VALUES ($1, 0, 1, 0, 1)`, [`sku-${orderId}`]);
    await pool.query(`INSERT INTO ${s}.fx_holds VALUES ($1, $2, 1, 'HELD')`, [orderId, `sku-${orderId}`]);
    await pool.query(`INSERT INTO ${s}.fx_orders VALUES ($1, 'PENDING', NULL)`, [orderId]);
    return orderId;
  };

  beforeAll(async () => {
    await pool.query(effectsSchemaSql(schema));
    const activities = createEffectActivities(pool, schema, { pauseMs: 0 });
    runner = createPgBossSagaRunner({ pool, schema, activities, worker: true, retry: TEST_RETRY, tuning: TEST_TUNING });
    await runner.open();
  });

  afterAll(async () => {
    await runner?.close();
    await pool.end();
    if (url) await dropSagaSchemas(url, schema);
  });

  it('a saga that suspends in its first advance commits once: its transaction holds the lock and its commit releases it', async () => {
    const orderId = await placeOrder();
    await runner.start({ orderId, paymentDeadline: new Date(Date.now() + 600_000).toISOString() });
    await waitFor(async () => (await runner.describe(orderId))?.step === 'awaiting-payment', { message: 'saga awaiting payment', timeoutMs: 30_000 });

    const messages = lockMessages(orderId);
    expect(messages[0]).toMatch(/^BEGIN; SELECT pg_try_advisory_xact_lock\(/);
    // Opened by BEGIN, ended by the suspension's COMMIT: no statement of the advance ran in a transaction of its own.
    expect(messages.filter((text) => /\bCOMMIT\b/.test(text))).toHaveLength(1);
    expect(messages.filter((text) => text.includes('pg_advisory_unlock'))).toEqual([]);
    expect(messages.filter((text) => /pg_(try_)?advisory_lock\(/.test(text))).toEqual([]);
    expect(await lockHeld(orderId)).toBe(false);
  });

  it('an advance that goes on after a commit keeps the lock as the session\'s and unlocks it when done', async () => {
    const orderId = await placeOrder();
    await runner.start({ orderId, paymentDeadline: new Date(Date.now() + 600_000).toISOString() });
    await waitFor(async () => (await runner.describe(orderId))?.step === 'awaiting-payment', { message: 'saga awaiting payment', timeoutMs: 30_000 });
    const paymentId = randomUUID();
    await pool.query(`INSERT INTO ${s}.fx_payments VALUES ($1, $2, 'SUCCEEDED')`, [paymentId, orderId]);
    await runner.signal(orderId, { type: 'payment-succeeded', paymentId });
    const ended = await waitFor(
      async () => {
        const description = await runner.describe(orderId);
        return description && description.status !== 'RUNNING' ? description : null;
      },
      { message: 'saga to end', timeoutMs: 30_000 },
    );
    expect(ended).toMatchObject({ status: 'COMPLETED', outcome: 'CONFIRMED' });

    const messages = lockMessages(orderId);
    // The second advance takes the signal and commits, then commits stock and confirms: the lock outlives that commit.
    expect(messages.filter((text) => text.startsWith('BEGIN; SELECT pg_try_advisory_xact_lock('))).toHaveLength(2);
    expect(messages.filter((text) => text.includes('pg_advisory_lock('))).toHaveLength(1);
    expect(messages.filter((text) => text.includes('pg_advisory_unlock('))).toHaveLength(1);
    await waitFor(async () => !(await lockHeld(orderId)), { message: 'saga lock released', timeoutMs: 5_000 });
    expect(await lockHeld(orderId)).toBe(false);
  });
});
