import type { Db } from 'pg-boss';
import type { Pool, PoolClient } from 'pg';
import { prepared } from './prepared.js';

/** Runs `fn` in a transaction on a client of the pool, or on an already checked-out client. */
export async function withTransaction<T>(source: Pool | PoolClient, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const owned = isPool(source);
  const client = owned ? await source.connect() : source;
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // A connection that cannot roll back is not returned to the pool.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    if (owned) client.release(broken);
  }
}

const isPool = (source: Pool | PoolClient): source is Pool => !('release' in source);

/** pg-boss's database interface over one client, so a job is sent inside the caller's transaction. */
export const bossDb = (client: Pick<PoolClient, 'query'>): Db => ({
  executeSql: async (text, values) => (values && values.length > 0 ? client.query(prepared(text, values)) : client.query(text)),
});
