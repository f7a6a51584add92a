import pg from 'pg';

/** Write counters of the run's schema, from Postgres' cumulative statistics views. */
export interface DbCounters {
  /** Commits of the whole database (the embedded one is the server's alone; a shared one counts others too). */
  readonly commits: number;
  /** Rows inserted / updated / deleted per table of the run's schemas. */
  readonly tables: Readonly<Record<string, { readonly inserted: number; readonly updated: number; readonly deleted: number }>>;
}

/**
 * Backends publish their table statistics when they go idle, at the latest about ten seconds later
 * (PGSTAT_IDLE_INTERVAL): read the closing counters that long after the firing ended.
 */
export const STATS_SETTLE_MS = 11_000;

export async function readDbCounters(databaseUrl: string, schemas: readonly string[]): Promise<DbCounters> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const database = await client.query<{ commits: string }>(
      'SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()',
    );
    const tables = await client.query<{ name: string; inserted: string; updated: string; deleted: string }>(
      `SELECT schemaname || '.' || relname AS name, n_tup_ins AS inserted, n_tup_upd AS updated, n_tup_del AS deleted
       FROM pg_stat_user_tables WHERE schemaname = ANY($1)`,
      [schemas],
    );
    return {
      commits: Number(database.rows[0]?.commits ?? 0),
      tables: Object.fromEntries(
        tables.rows.map((row) => [row.name, { inserted: Number(row.inserted), updated: Number(row.updated), deleted: Number(row.deleted) }]),
      ),
    };
  } finally {
    await client.end();
  }
}

export interface DbWrites {
  readonly commits: number;
  readonly commitsPerAttempt: number;
  /** Tables written during the window, with rows written per attempt; busiest first. */
  readonly tables: readonly { readonly table: string; readonly inserted: number; readonly updated: number; readonly deleted: number; readonly rowsPerAttempt: number }[];
}

/** What happened between two readings, per attempt of the firing. */
export function dbWrites(before: DbCounters, after: DbCounters, attempts: number): DbWrites {
  const per = (value: number) => (attempts > 0 ? value / attempts : 0);
  const commits = after.commits - before.commits;
  const tables = Object.entries(after.tables)
    .map(([table, counts]) => {
      const base = before.tables[table] ?? { inserted: 0, updated: 0, deleted: 0 };
      const inserted = counts.inserted - base.inserted;
      const updated = counts.updated - base.updated;
      const deleted = counts.deleted - base.deleted;
      return { table, inserted, updated, deleted, rowsPerAttempt: per(inserted + updated + deleted) };
    })
    .filter((table) => table.inserted + table.updated + table.deleted > 0)
    .sort((a, b) => b.rowsPerAttempt - a.rowsPerAttempt);
  return { commits, commitsPerAttempt: per(commits), tables };
}
