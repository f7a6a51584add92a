import type { IdempotencyRecord, IdempotencyStore } from '@limitedcart/core';
import DataLoader from 'dataloader';
import { escapeLiteral, type QueryResult } from 'pg';
import { toLimitedCartError } from '../errors.js';
import { type Executor, isPool, query, type TableNames } from '../sql.js';

interface IdempotencyRow {
  scope: string;
  key: string;
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
  created_at: Date;
}

const toRecord = (row: IdempotencyRow): IdempotencyRecord => ({
  scope: row.scope,
  key: row.key,
  requestHash: row.request_hash,
  response: row.response_status === null ? null : { status: row.response_status, body: row.response_body },
  createdAt: row.created_at,
});

/**
 * Inserts the claim; true when this call made it. On the pool the claim commits without waiting for the log
 * flush, which saves the request one flush wait: a claim only matters together with what the request does next,
 * and everything after it that must survive a crash (the order, the completed response) commits durably later in
 * the same log, which flushes the claim too. A claim lost in a crash belonged to a request that was never
 * answered, so its retry simply claims again. Inside a caller's transaction the caller's commit decides.
 */
const insertClaim = async (db: Executor, t: TableNames, scope: string, key: string, requestHash: string): Promise<boolean> => {
  const insert = `INSERT INTO ${t.idempotencyKeys} (scope, key, request_hash)`;
  const onConflict = 'ON CONFLICT (scope, key) DO NOTHING RETURNING scope';
  if (!isPool(db)) {
    return (await query(db, 'claim idempotency key', `${insert} VALUES ($1, $2, $3) ${onConflict}`, [scope, key, requestHash])).length > 0;
  }
  // SET LOCAL needs the simple protocol (one message, one implicit transaction), hence escaped literals.
  const values = [scope, key, requestHash].map(escapeLiteral).join(', ');
  try {
    const results = (await db.query(`SET LOCAL synchronous_commit = off; ${insert} VALUES (${values}) ${onConflict}`)) as unknown as QueryResult[];
    return (results[1]?.rowCount ?? 0) > 0;
  } catch (error) {
    throw toLimitedCartError(error, 'claim idempotency key');
  }
};

const findRow = async (db: Executor, t: TableNames, scope: string, key: string): Promise<IdempotencyRow | undefined> =>
  (await query<IdempotencyRow>(db, 'read idempotency key', `SELECT * FROM ${t.idempotencyKeys} WHERE scope = $1 AND key = $2`, [scope, key]))[0];

type KeyRef = readonly [scope: string, key: string];

/**
 * Lookups of many requests in one statement. During a drop every refused attempt looks its key up (to replay an
 * earlier answer under it); the lookups that arrive in one turn of the event loop share one round trip instead of
 * taking one each. Nothing is cached: each lookup reads the table as of its batch.
 */
const batchedFinder = (db: Executor, t: TableNames) =>
  new DataLoader<KeyRef, IdempotencyRow | undefined, string>(
    async (refs) => {
      const rows = await query<IdempotencyRow>(
        db,
        'read idempotency keys',
        `SELECT i.* FROM unnest($1::text[], $2::text[]) AS wanted (scope, key) JOIN ${t.idempotencyKeys} i USING (scope, key)`,
        [refs.map(([scope]) => scope), refs.map(([, key]) => key)],
      );
      const byRef = new Map(rows.map((row) => [JSON.stringify([row.scope, row.key]), row]));
      return refs.map((ref) => byRef.get(JSON.stringify(ref)));
    },
    // setImmediate: gather every lookup made by the requests read in this poll phase, not only this tick's.
    { cache: false, maxBatchSize: 500, batchScheduleFn: (run) => setImmediate(run) },
  );

export const createIdempotencyStore = (db: Executor, t: TableNames): IdempotencyStore => {
  // Inside a caller's transaction the statement order is the caller's, so lookups go one by one.
  const finder = isPool(db) ? batchedFinder(db, t) : null;
  return {
    async find(scope, key) {
      const row = finder ? await finder.load([scope, key]) : await findRow(db, t, scope, key);
      return row ? toRecord(row) : null;
    },

    async claim(scope, key, requestHash) {
      // Insert-or-read loops because the existing claim can be abandoned between the two statements.
      for (;;) {
        const inserted = await insertClaim(db, t, scope, key, requestHash);
        if (inserted) return { claimed: true };
        const row = await findRow(db, t, scope, key);
        if (row) return { claimed: false, record: toRecord(row) };
      }
    },

    async complete(scope, key, response) {
      await query(
        db,
        'complete idempotency key',
        `UPDATE ${t.idempotencyKeys} SET response_status = $3, response_body = $4::jsonb WHERE scope = $1 AND key = $2`,
        [scope, key, response.status, JSON.stringify(response.body ?? null)],
      );
    },

    async abandon(scope, key) {
      // Only an in-flight claim is freed: a completed response stays replayable.
      await query(
        db,
        'abandon idempotency key',
        `DELETE FROM ${t.idempotencyKeys} WHERE scope = $1 AND key = $2 AND response_status IS NULL`,
        [scope, key],
      );
    },
  };
};
