import { randomBytes } from 'node:crypto';
import { migrate } from '@limitedcart/adapter-postgres';
import pg from 'pg';

/** The ledger suites need a real Postgres: unset in CI fails, locally they skip with the reason printed. */
export const databaseUrl: string | undefined = process.env.DATABASE_URL;

if (databaseUrl === undefined) {
  if (process.env.CI) throw new Error('DATABASE_URL is not set: the tiered gate suites need a real Postgres');
  console.warn('skipping tiered gate suites: DATABASE_URL is not set (run scripts/services/postgres.sh)');
}

export interface LedgerDatabase {
  readonly pool: pg.Pool;
  readonly schema: string;
  drop(): Promise<void>;
}

/** A pool and a freshly migrated schema no other test file uses. */
export async function createLedgerDatabase(name: string): Promise<LedgerDatabase> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const schema = `lc_redis_${name}_${randomBytes(4).toString('hex')}`;
  await migrate({ pool, schema });
  return {
    pool,
    schema,
    drop: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}
