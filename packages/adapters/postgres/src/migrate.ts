import { fileURLToPath } from 'node:url';
import { LimitedCartError } from '@limitedcart/core';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { guardClient, ignoreConnectionError } from './connection-errors.js';
import { toLimitedCartError } from './errors.js';
import { type MigrateOptions, resolveSchema } from './options.js';
import { connect } from './sql.js';

/** Forward-only SQL migrations shipped with the package (`migrations/NNNN_name.sql`). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * node-pg-migrate guards a run with an advisory lock. One lock id per schema lets test files migrate their own
 * schemas in parallel while two processes migrating the same schema still take turns.
 */
const lockIdFor = (schema: string): number => {
  let hash = 0;
  for (const char of `limitedcart.migrate.${schema}`) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return Math.abs(hash);
};

export interface MigrationResult {
  /** Names of the migrations this call applied; empty when the schema was already current. */
  readonly applied: readonly string[];
}

/**
 * Creates the schema when missing and applies every pending migration in one transaction. Idempotent: a second
 * run applies nothing. Concurrent runs on the same schema wait for each other.
 */
export async function migrate(options: MigrateOptions): Promise<MigrationResult> {
  const schema = resolveSchema(options.schema);
  if (options.pool === undefined && options.databaseUrl === undefined) {
    throw new LimitedCartError('VALIDATION', 'migrate needs a databaseUrl or a pool');
  }
  const log = options.log ?? (() => {});
  // The client may sit idle between migration statements; a connection cut meanwhile must fail the run, not the process.
  const client = options.pool
    ? await connect(options.pool, 'migrate')
    : guardClient(new pg.Client({ connectionString: options.databaseUrl }), ignoreConnectionError);
  try {
    if (!options.pool) await (client as pg.Client).connect();
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      schema,
      createSchema: true,
      migrationsSchema: schema,
      migrationsTable: 'pgmigrations',
      singleTransaction: true,
      checkOrder: true,
      lockValue: lockIdFor(schema),
      advisoryLockMode: 'wait',
      log,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    return { applied: applied.map((migration) => migration.name) };
  } catch (error) {
    throw error instanceof LimitedCartError ? error : toLimitedCartError(error, `migrate schema ${schema}`);
  } finally {
    // The runner leaves search_path pointing at the schema; reset it before the connection goes back to a pool.
    if (options.pool) {
      await client.query('RESET search_path').catch(() => {});
      (client as pg.PoolClient).release();
    } else {
      await (client as pg.Client).end().catch(() => {});
    }
  }
}
