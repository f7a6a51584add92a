import type { Db } from 'pg-boss';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { guardClient, ignoreConnectionError } from './connection-errors.js';
import { prepared } from './prepared.js';

/**
 * Checks a client out of `pool` with an error listener for as long as it is out: the pool may be the caller's,
 * and a connection cut while the client waits between statements must fail the work, not end the process.
 */
export async function checkout(pool: Pool): Promise<PoolClient> {
  return guardClient(await pool.connect(), ignoreConnectionError);
}

/** Runs `fn` in a transaction on a client of the pool, or on an already checked-out client. */
export async function withTransaction<T>(source: Pool | PoolClient, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const owned = isPool(source);
  const client = owned ? await checkout(source) : source;
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

/** What a locked transaction does once it has read: the statements to commit with, and its result. */
export interface LockedDecision<T> {
  readonly result: T;
  /** Statements sent in the COMMIT message, before COMMIT. */
  readonly finalSql?: readonly string[];
  /** Statements sent in the COMMIT message after COMMIT, so they run only once the transaction committed. */
  readonly afterCommitSql?: readonly string[];
}

/**
 * A transaction on `client` in two round trips: BEGIN with `opening` (a row lock first, then writes and reads;
 * `decide` gets the rows of the last one), then `decide`'s statements with COMMIT. Against BEGIN, lock, each
 * statement, COMMIT one by one, this saves a round trip per statement. Statements are text with escaped literals
 * (the simple protocol has no parameters). Rolls back when a statement or `decide` throws. `begun`: the client's
 * transaction is already open, and `opening` joins it.
 */
export async function inLockedTransaction<T>(
  client: PoolClient,
  opening: readonly string[],
  decide: (rows: Record<string, unknown>[]) => LockedDecision<T>,
  { begun = false }: { readonly begun?: boolean } = {},
): Promise<T> {
  try {
    // A message of several statements answers with one result per statement (a single one: just that result).
    const answer = (await client.query([...(begun ? [] : ['BEGIN']), ...opening].join('; '))) as unknown as QueryResult | QueryResult[];
    const results = Array.isArray(answer) ? answer : [answer];
    const { result, finalSql = [], afterCommitSql = [] } = decide(results[results.length - 1]?.rows ?? []);
    await client.query([...finalSql, 'COMMIT', ...afterCommitSql].join('; '));
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
