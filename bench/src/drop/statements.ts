import { join } from 'node:path';
import { startEmbeddedPostgres } from '@limitedcart/adapter-postgres';
import pg from 'pg';
import { freePort } from './server-env.js';

/**
 * `--statements`: per-statement counts of the firing from `pg_stat_statements` on the run's own embedded Postgres.
 * The module must be in `shared_preload_libraries` when the server starts, and the reference server starts its
 * Postgres itself: so the data folder is initialised here first, the setting written with `ALTER SYSTEM` (into
 * `postgresql.auto.conf`, which the server reads on every start), and the server then starts on that folder.
 */
export async function preloadStatements(dataDir: string, postgresPassword: string): Promise<void> {
  const port = await freePort();
  const server = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), port, password: postgresPassword });
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
      // Enough entries that no statement of a run is evicted (pg-boss, the stores and the bench's own reads).
      await client.query(`ALTER SYSTEM SET pg_stat_statements.max = 10000`);
    } finally {
      await client.end();
    }
  } finally {
    await server.stop();
  }
}

/** Creates the extension (once the server runs with the library loaded) and says so if it is not loaded. */
export async function enableStatements(databaseUrl: string): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ libraries: string }>(`SELECT current_setting('shared_preload_libraries') AS libraries`);
    if (!rows[0]?.libraries.includes('pg_stat_statements')) {
      throw new Error(`--statements: pg_stat_statements is not loaded (shared_preload_libraries = '${rows[0]?.libraries ?? ''}')`);
    }
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  });
}

export const resetStatements = (databaseUrl: string): Promise<void> =>
  withClient(databaseUrl, async (client) => {
    await client.query('SELECT pg_stat_statements_reset()');
  });

export type StatementPath = 'saga' | 'order' | 'transaction' | 'other';

export interface StatementRow {
  readonly query: string;
  readonly calls: number;
  readonly rows: number;
  readonly totalMs: number;
  readonly path: StatementPath;
}

export interface StatementStats {
  /** Every statement of the window, most calls first. */
  readonly statements: readonly StatementRow[];
  /** Calls per path (BEGIN / COMMIT / ROLLBACK under `transaction`). */
  readonly callsByPath: Readonly<Record<StatementPath, number>>;
  readonly begins: number;
  readonly commits: number;
  readonly rollbacks: number;
}

export async function readStatements(databaseUrl: string, schema: string): Promise<StatementStats> {
  const { rows } = await withClient(databaseUrl, (client) =>
    client.query<{ query: string; calls: string; rows: string; total: number }>(
      `SELECT query, calls, rows, total_exec_time AS total FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND query NOT LIKE '%pg_stat_statements%'
       ORDER BY calls DESC`,
    ),
  );
  // Grouped statements differ only in the length of their VALUES lists: one entry per shape.
  const byShape = new Map<string, StatementRow>();
  for (const row of rows) {
    const query = statementShape(row.query);
    const seen = byShape.get(query);
    byShape.set(query, {
      query,
      calls: (seen?.calls ?? 0) + Number(row.calls),
      rows: (seen?.rows ?? 0) + Number(row.rows),
      totalMs: (seen?.totalMs ?? 0) + row.total,
      path: statementPath(row.query, schema),
    });
  }
  const statements = [...byShape.values()].sort((a, b) => b.calls - a.calls);
  const callsByPath: Record<StatementPath, number> = { saga: 0, order: 0, transaction: 0, other: 0 };
  for (const statement of statements) callsByPath[statement.path] += statement.calls;
  const sum = (pattern: RegExp) => statements.filter((s) => pattern.test(s.query.trim())).reduce((total, s) => total + s.calls, 0);
  return {
    statements,
    callsByPath,
    begins: sum(/^BEGIN/i),
    commits: sum(/^COMMIT/i),
    rollbacks: sum(/^ROLLBACK/i),
  };
}

/** A statement's text with every VALUES list of several rows written as its first row and `, ...`. */
export function statementShape(query: string): string {
  return query.replace(/\s+/g, ' ').trim().replace(/(\([^()]*\))(?:, ?\([^()]*\))+/g, '$1, ...');
}

/**
 * Which path a statement belongs to, from its text: the saga runner's (pg-boss's schema, the saga store's schema, the
 * saga's order moves through the advancer), the order request's (its own schema), or transaction control.
 */
export function statementPath(query: string, schema: string): StatementPath {
  const text = query.trim();
  if (/^(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SAVEPOINT|RELEASE)/i.test(text)) return 'transaction';
  // The saga lock of the pg-boss advancer is an advisory lock on a hash of the saga's key.
  if (text.includes(`${schema}_saga`) || /pg_(try_)?advisory_(xact_)?(un)?lock\(hashtextextended/.test(text)) return 'saga';
  if (text.includes(schema) || /\b(orders|order_items|idempotency_keys|stock|reservations|outbox|customers|sessions)\b/i.test(text)) return 'order';
  return 'other';
}

async function withClient<T>(databaseUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
