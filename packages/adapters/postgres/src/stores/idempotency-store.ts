import type { IdempotencyRecord, IdempotencyStore } from '@limitedcart/core';
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

export const createIdempotencyStore = (db: Executor, t: TableNames): IdempotencyStore => ({
  async find(scope, key) {
    const row = await findRow(db, t, scope, key);
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
});
