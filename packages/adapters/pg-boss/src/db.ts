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

/**
 * A transaction on `client` that starts by locking a row and may end with one more statement, each sent in the same
 * message as its BEGIN or COMMIT: two round trips fewer than BEGIN, lock, …, last statement, COMMIT. `lockSql` and
 * the returned `finalSql` are single statements with escaped literals (the simple protocol has no parameters).
 * Rolls back when `work` or a statement throws.
 */
export async function inLockedTransaction<T>(
  client: PoolClient,
  lockSql: string,
  work: (client: PoolClient) => Promise<{ readonly result: T; readonly finalSql?: string }>,
): Promise<T> {
  try {
    await client.query(`BEGIN; ${lockSql}`);
    const { result, finalSql } = await work(client);
    await client.query(finalSql ? `${finalSql}; COMMIT` : 'COMMIT');
    return result;
  } catch (error) {
    // Also after a failed BEGIN message: ROLLBACK outside a transaction only warns.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

const isPool = (source: Pool | PoolClient): source is Pool => !('release' in source);

/** pg-boss's database interface over one client, so a job is sent inside the caller's transaction. */
export const bossDb = (client: Pick<PoolClient, 'query'>): Db => ({
  executeSql: async (text, values) => (values && values.length > 0 ? client.query(prepared(text, values)) : client.query(text)),
});
