import type { IdempotencyRecord, IdempotencyStore } from '@limitedcart/core';
import { type Executor, query, type TableNames } from '../sql.js';

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

export const createIdempotencyStore = (db: Executor, t: TableNames): IdempotencyStore => ({
  async claim(scope, key, requestHash) {
    // Insert-or-read loops because the existing claim can be abandoned between the two statements.
    for (;;) {
      const inserted = await query(
        db,
        'claim idempotency key',
        `INSERT INTO ${t.idempotencyKeys} (scope, key, request_hash) VALUES ($1, $2, $3)
         ON CONFLICT (scope, key) DO NOTHING RETURNING scope`,
        [scope, key, requestHash],
      );
      if (inserted.length > 0) return { claimed: true };
      const [row] = await query<IdempotencyRow>(
        db,
        'read idempotency key',
        `SELECT * FROM ${t.idempotencyKeys} WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
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
