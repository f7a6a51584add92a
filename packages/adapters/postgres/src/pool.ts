import pg from 'pg';
import { guardPool, ignoreConnectionError } from './connection-errors.js';
import { type CreatePoolOptions, resolveSchema } from './options.js';
import { quoteIdent } from './sql.js';

/**
 * A `pg` pool whose connections default to the LimitedCart schema (`search_path`), for integrators who want to
 * run their own unqualified SQL next to the adapter. The adapter itself qualifies every table, so any pool works.
 */
export const createPostgresPool = (options: CreatePoolOptions): pg.Pool => {
  const schema = resolveSchema(options.schema);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    options: `-c search_path=${quoteIdent(schema)},public`,
  });
  // A connection that drops (Postgres restarting, say) must never end the process, idle or checked out: the pool
  // discards it and the next checkout opens a fresh one; its holder's next statement fails with INFRASTRUCTURE.
  return guardPool(pool, options.onConnectionError ?? ignoreConnectionError);
};
