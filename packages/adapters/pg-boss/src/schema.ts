import type { Pool } from 'pg';
import { withTransaction } from './db.js';

/**
 * The saga tables. Plain idempotent DDL: every statement is `IF NOT EXISTS`, so running it again (each process
 * does on open) is a no-op. A transaction-scoped advisory lock serialises concurrent runs, because two
 * concurrent `CREATE TABLE IF NOT EXISTS` of the same table can still collide in the catalogue.
 */
export function sagaSchemaSql(schema: string): string {
  const s = `"${schema}"`;
  return `
    CREATE SCHEMA IF NOT EXISTS ${s};

    CREATE TABLE IF NOT EXISTS ${s}.saga_instances (
      order_id    text PRIMARY KEY,
      input       jsonb NOT NULL,
      status      text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED')),
      step        text NOT NULL DEFAULT 'started',
      outcome     text,
      result      jsonb,
      error       text,
      version     integer NOT NULL DEFAULT 0,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now()
    );

    -- One row per durable call of the saga, in call order: activity results (or their final error),
    -- signals taken by nextSignal (null = deadline passed) and the drained leftovers.
    CREATE TABLE IF NOT EXISTS ${s}.saga_journal (
      order_id    text NOT NULL REFERENCES ${s}.saga_instances (order_id) ON DELETE CASCADE,
      seq         integer NOT NULL,
      kind        text NOT NULL CHECK (kind IN ('activity', 'signal', 'drain')),
      payload     jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (order_id, seq)
    );

    -- signal_id is stable per logical signal (payment id + type, or 'cancel'), so redelivery collapses.
    -- A row is consumed by the saga (journal_seq set) or, when it came too late, handled by the
    -- late-signal policy (late = true, late_handled_at set once done): never both.
    CREATE TABLE IF NOT EXISTS ${s}.saga_signals (
      order_id        text NOT NULL REFERENCES ${s}.saga_instances (order_id) ON DELETE CASCADE,
      signal_id       text NOT NULL,
      body            jsonb NOT NULL,
      received_seq    bigserial NOT NULL,
      received_at     timestamptz NOT NULL DEFAULT now(),
      consumed_at     timestamptz,
      journal_seq     integer,
      late            boolean NOT NULL DEFAULT false,
      late_handled_at timestamptz,
      PRIMARY KEY (order_id, signal_id)
    );

    CREATE INDEX IF NOT EXISTS saga_signals_pending
      ON ${s}.saga_signals (order_id, received_seq) WHERE consumed_at IS NULL;
    CREATE INDEX IF NOT EXISTS saga_instances_running
      ON ${s}.saga_instances (updated_at) WHERE status = 'RUNNING';
  `;
}

/**
 * Creates the saga tables if missing, and pg-boss's schema (`bossSchema`) when given: pg-boss creates its schema
 * outside any lock, so processes starting together on a fresh database collide on it ("duplicate key value violates
 * unique constraint pg_namespace_nspname_index"); made here, under this lock, it already exists when they start.
 */
export async function migrateSagaSchema(pool: Pool, schema: string, bossSchema?: string): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`limitedcart-saga-migrate:${schema}`]);
    await client.query(sagaSchemaSql(schema));
    if (bossSchema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${bossSchema}"`);
  });
}
