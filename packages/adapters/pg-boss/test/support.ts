import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * The Postgres these suites need. In CI a missing DATABASE_URL is an error (the suites must run there);
 * locally the suites skip and say why.
 */
export function databaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  if (!url && process.env.CI) throw new Error('DATABASE_URL is required in CI for the pg-boss saga runner suites');
  if (!url) console.warn('DATABASE_URL is not set: skipping the pg-boss saga runner suites');
  return url;
}

/** A schema name no other test file or run uses. */
export const uniqueSchema = (prefix: string): string => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

/** Drops the saga schema and pg-boss's schema beside it. */
export async function dropSagaSchemas(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${schema}_boss" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Fast retries for tests: core's production delays would make a retry case take seconds per attempt. */
export const TEST_RETRY = { limit: 3, delaySeconds: 0, backoff: false } as const;

/** Short supervision so a job of a killed worker expires and is retried within seconds. */
export const TEST_TUNING = { expireInSeconds: 5, superviseIntervalSeconds: 1 } as const;
