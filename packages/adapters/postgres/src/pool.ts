import pg from 'pg';
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
  // An idle client that loses its connection emits 'error' on the pool; without a listener Node would crash.
  // The pool discards that client and the next checkout opens a fresh connection.
  pool.on('error', () => {});
  return pool;
};
