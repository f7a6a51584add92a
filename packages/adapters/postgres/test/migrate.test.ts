import { randomBytes } from 'node:crypto';
import { isLimitedCartError } from '@limitedcart/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runner } from 'node-pg-migrate';
import { checkPostgresHealth, createPostgresStockGate, MIGRATIONS_DIR, migrate } from '../src/index.js';
import { DATABASE_URL, hasDatabase } from './support.js';

describe.skipIf(!hasDatabase)('migrate', () => {
  const schema = `lc_test_${randomBytes(6).toString('hex')}`;
  let pool: pg.Pool;

  beforeAll(() => {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  });
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
  });

  it('creates the schema once; running again (even concurrently) applies nothing', async () => {
    expect((await checkPostgresHealth({ pool, schema })).ok).toBe(false);
    const first = await migrate({ databaseUrl: DATABASE_URL, schema });
    expect(first.applied).toEqual([
      '0001_initial',
      '0002_reserve_reads_before_writing',
      '0003_reserve_in_batches',
      '0004_outbox_ordered_by_transaction',
      '0005_audit_log',
      '0006_sessions',
      '0007_one_open_payment_per_order',
      '0008_stock_counters_bigint',
      '0009_admission_queue',
      '0010_hold_extension',
      '0011_queue_settings',
      '0012_refresh_reuse_grace',
    ]);
    expect(await checkPostgresHealth({ pool, schema })).toEqual({ name: 'postgres', ok: true });
    const again = await Promise.all([migrate({ pool, schema }), migrate({ databaseUrl: DATABASE_URL, schema })]);
    expect(again.map((r) => r.applied)).toEqual([[], []]);
    const { rows } = await pool.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    expect(rows.map((r) => r.table_name)).toEqual([
      'audit_log',
      'consumer_offsets',
      'customer_sku_counts',
      'customers',
      'idempotency_keys',
      'orders',
      'outbox',
      'payments',
      'pgmigrations',
      'processed_events',
      'products',
      'queue_address_entries',
      'queue_admit_ops',
      'queue_drops',
      'queue_entries',
      'queue_settings',
      'restock_ops',
      'session_rotated_tokens',
      'sessions',
      'stock',
      'stock_holds',
    ]);
  });

  it('migrates a fresh schema once when processes start together', async () => {
    const fresh = `${schema}_race`;
    try {
      const results = await Promise.all(Array.from({ length: 6 }, () => migrate({ databaseUrl: DATABASE_URL, schema: fresh })));
      expect(results.filter((result) => result.applied.length > 0), 'one run applies the migrations, the others wait and find none').toHaveLength(1);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`);
    }
  });

  it('leaves a borrowed pool connection with its default search_path', async () => {
    const client = await pool.connect();
    try {
      const { rows } = await client.query('SHOW search_path');
      expect(rows[0].search_path).not.toContain(schema);
    } finally {
      client.release();
    }
  });

  it('enforces the stock invariant in the database itself', async () => {
    await pool.query(`INSERT INTO "${schema}".stock (sku, available, held, sold, restocked_total) VALUES ('s', 1, 0, 0, 1)`);
    await expect(pool.query(`UPDATE "${schema}".stock SET available = available - 2 WHERE sku = 's'`)).rejects.toThrow(/check/);
    await expect(pool.query(`UPDATE "${schema}".stock SET held = held + 1 WHERE sku = 's'`)).rejects.toThrow(/check/);
  });

  it('keeps stock counters past 2^31 units, exact up to 2^53 − 1 (0008)', async () => {
    const gate = createPostgresStockGate({ pool, schema });
    await gate.restock('big', 2_000_000_000, 'op-1');
    const { snapshot } = await gate.restock('big', 2_000_000_000, 'op-2');
    expect(snapshot).toEqual({ sku: 'big', available: 4_000_000_000, held: 0, sold: 0, restockedTotal: 4_000_000_000 });
    expect(await gate.snapshot('big')).toEqual(snapshot);
    await pool.query(`INSERT INTO "${schema}".stock (sku, available, held, sold, restocked_total) VALUES ('edge', $1, 0, 0, $1)`, [
      String(Number.MAX_SAFE_INTEGER),
    ]);
    await expect(pool.query(`UPDATE "${schema}".stock SET available = available + 1, restocked_total = restocked_total + 1 WHERE sku = 'edge'`)).rejects.toThrow(
      /stock_restocked_total_exact/,
    );
  });

  it('rejects a schema name that is not a plain identifier', async () => {
    await expect(migrate({ databaseUrl: DATABASE_URL, schema: 'x"; DROP TABLE y; --' })).rejects.toSatisfy((e: unknown) =>
      isLimitedCartError(e, 'VALIDATION'),
    );
  });
});

describe.skipIf(!hasDatabase)('migration 0007: one open payment per order', () => {
  const schema = `lc_test_${randomBytes(6).toString('hex')}`;
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client?.end();
  });

  it('closes the older open payments an order collected before it, keeps the newest, and then allows one', async () => {
    // The schema as it was before 0007, with an order holding three open links and a captured payment.
    await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      count: 6,
      schema,
      createSchema: true,
      migrationsSchema: schema,
      migrationsTable: 'pgmigrations',
      singleTransaction: true,
      log: () => {},
    });
    await client.query('RESET search_path');
    const insert = (id: string, order: string, status: string) =>
      client.query(`INSERT INTO "${schema}".payments (id, order_id, customer_id, amount, currency, status, token) VALUES ($1, $2, 'c', 100, 'USD', $3, $1)`, [
        id,
        order,
        status,
      ]);
    await insert('p1', 'o1', 'INITIATED');
    await insert('p2', 'o1', 'ERROR');
    await insert('p3', 'o1', 'INITIATED');
    await insert('p4', 'o1', 'SUCCEEDED');
    await insert('q1', 'o2', 'INITIATED');

    expect((await migrate({ databaseUrl: DATABASE_URL, schema })).applied).toContain('0007_one_open_payment_per_order');

    const { rows } = await client.query(`SELECT id, status, failure_reason FROM "${schema}".payments ORDER BY id`);
    expect(rows).toEqual([
      { id: 'p1', status: 'DECLINED', failure_reason: 'superseded: an order has one open payment' },
      { id: 'p2', status: 'DECLINED', failure_reason: 'superseded: an order has one open payment' },
      { id: 'p3', status: 'INITIATED', failure_reason: null },
      { id: 'p4', status: 'SUCCEEDED', failure_reason: null },
      { id: 'q1', status: 'INITIATED', failure_reason: null },
    ]);
    await expect(insert('p5', 'o1', 'INITIATED')).rejects.toThrow(/payments_one_open_per_order/);
  });
});
