import type { HealthReport } from '@limitedcart/core';
import { readdir } from 'node:fs/promises';
import { MIGRATIONS_DIR } from './migrate.js';
import { type PostgresTarget, resolveSchema } from './options.js';
import { query, tableNames } from './sql.js';

/**
 * Readiness of the Postgres side: the database answers and the schema has every migration this package ships
 * (a server started against an un-migrated schema is not ready, however healthy the connection).
 */
export const checkPostgresHealth = async (target: PostgresTarget): Promise<HealthReport> => {
  const name = 'postgres';
  try {
    const schema = resolveSchema(target.schema);
    const shipped = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).map((file) => file.slice(0, -4));
    const applied = await query<{ name: string }>(
      target.pool,
      'read applied migrations',
      `SELECT name FROM ${tableNames(schema).schema}.pgmigrations`,
    );
    const missing = shipped.filter((migration) => !applied.some((row) => row.name === migration));
    return missing.length === 0
      ? { name, ok: true }
      : { name, ok: false, detail: `schema ${schema} lacks migrations: ${missing.join(', ')}` };
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
};
