import { randomBytes } from 'node:crypto';
import { isLimitedCartError } from '@limitedcart/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPostgresHealth, migrate } from '../src/index.js';
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
    expect(first.applied).toEqual(['0001_initial', '0002_reserve_reads_before_writing', '0003_reserve_in_batches', '0004_outbox_ordered_by_transaction', '0005_audit_log', '0006_sessions']);
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

  it('rejects a schema name that is not a plain identifier', async () => {
    await expect(migrate({ databaseUrl: DATABASE_URL, schema: 'x"; DROP TABLE y; --' })).rejects.toSatisfy((e: unknown) =>
      isLimitedCartError(e, 'VALIDATION'),
    );
  });
});
