import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../src/index.js';
import { quoteIdent } from '../src/sql.js';

/**
 * The Postgres these suites run against. Unset: CI fails loudly (a suite that silently skips proves nothing);
 * a developer machine skips with the reason printed.
 */
export const DATABASE_URL = process.env.DATABASE_URL;
if (!DATABASE_URL) {
  if (process.env.CI) throw new Error('DATABASE_URL is not set: the Postgres adapter suites must run in CI');
  console.warn('[adapter-postgres] DATABASE_URL is not set: skipping the Postgres suites');
}
export const hasDatabase = DATABASE_URL !== undefined;

/**
 * `pool` with the text of every statement sent through `pool.query` recorded, so a test can say how many statements
 * a batch of calls took (grouped reads and writes). `statements.length = 0` starts a new count.
 */
export const recordingQueries = (pool: pg.Pool): { readonly pool: pg.Pool; readonly statements: string[] } => {
  const statements: string[] = [];
  const recorded = new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (...args: unknown[]) => {
          if (typeof args[0] === 'string') statements.push(args[0]);
          return (target.query as (...a: unknown[]) => unknown)(...args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return { pool: recorded, statements };
};

export interface TestDatabase {
  readonly schema: string;
  readonly pool: pg.Pool;
  /** Drops the schema and ends the pool. */
  drop(): Promise<void>;
}

/** A fresh, migrated schema `lc_test_<random>` with its own pool, so test files never see each other's rows. */
export const createTestDatabase = async ({ max = 10 }: { max?: number } = {}): Promise<TestDatabase> => {
  const schema = `lc_test_${randomBytes(6).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max });
  pool.on('error', () => {});
  await migrate({ pool, schema });
  return {
    schema,
    pool,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await pool.end();
    },
  };
};
