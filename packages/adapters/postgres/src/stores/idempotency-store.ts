import type { IdempotencyRecord, IdempotencyStore } from '@limitedcart/core';
import DataLoader from 'dataloader';
import { escapeLiteral, type QueryResult } from 'pg';
import { toLimitedCartError } from '../errors.js';
import { type Executor, isPool, perTurn, query, type TableNames } from '../sql.js';

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

/** Inserts the claim inside the caller's transaction (its commit decides); true when this call made it. */
const insertClaim = async (db: Executor, t: TableNames, scope: string, key: string, requestHash: string): Promise<boolean> =>
  (
    await query(
      db,
      'claim idempotency key',
      `INSERT INTO ${t.idempotencyKeys} (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT (scope, key) DO NOTHING RETURNING scope`,
      [scope, key, requestHash],
    )
  ).length > 0;

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
    perTurn(500),
  );

/**
 * Claims of many requests in one statement and one commit; resolves, per claim, whether this call inserted it (the
 * same key twice in one group: the first caller has it). The commit does not wait for the log flush, which saves
 * each request one flush wait: a claim only matters together with what the request does next, and everything
 * after it that must survive a crash (the order, the completed response) commits durably later in the same log,
 * which flushes the claim too. A claim lost in a crash belonged to a request that was never answered, so its retry
 * simply claims again. SET LOCAL needs the simple protocol (one message, one implicit transaction), hence escaped
 * literals.
 */
const batchedClaimer = (pool: Executor, t: TableNames) =>
  new DataLoader<readonly [scope: string, key: string, requestHash: string], boolean>(
    async (claims) => {
      const values = claims.map((claim) => `(${claim.map(escapeLiteral).join(', ')})`).join(', ');
      let inserted: QueryResult;
      try {
        const results = (await pool.query(
          `SET LOCAL synchronous_commit = off; INSERT INTO ${t.idempotencyKeys} (scope, key, request_hash) VALUES ${values}
           ON CONFLICT (scope, key) DO NOTHING RETURNING scope, key`,
        )) as unknown as QueryResult[];
        inserted = results[1] as QueryResult;
      } catch (error) {
        throw toLimitedCartError(error, 'claim idempotency keys');
      }
      const fresh = new Set(inserted.rows.map((row) => JSON.stringify([row.scope, row.key])));
      return claims.map(([scope, key]) => fresh.delete(JSON.stringify([scope, key])));
    },
    perTurn(500),
  );

/** Completions of many requests in one statement and one (durable) commit. */
const batchedCompleter = (pool: Executor, t: TableNames) =>
  new DataLoader<readonly [scope: string, key: string, status: number, body: string], undefined>(
    async (completions) => {
      await query(
        pool,
        'complete idempotency keys',
        `UPDATE ${t.idempotencyKeys} AS i SET response_status = c.status, response_body = c.body
         FROM unnest($1::text[], $2::text[], $3::integer[], $4::jsonb[]) AS c (scope, key, status, body)
         WHERE i.scope = c.scope AND i.key = c.key`,
        [0, 1, 2, 3].map((column) => completions.map((completion) => completion[column])),
      );
      return completions.map(() => undefined);
    },
    perTurn(500),
  );

/**
 * Abandons of many requests in one statement and one commit. When a drop sells out, the attempts that claimed
 * their keys before the sell-out was known are all refused at once, and each frees its key.
 */
const batchedAbandoner = (pool: Executor, t: TableNames) =>
  new DataLoader<KeyRef, undefined>(
    async (refs) => {
      await query(
        pool,
        'abandon idempotency keys',
        // Only an in-flight claim is freed: a completed response stays replayable.
        `DELETE FROM ${t.idempotencyKeys} AS i USING unnest($1::text[], $2::text[]) AS a (scope, key)
         WHERE i.scope = a.scope AND i.key = a.key AND i.response_status IS NULL`,
        [refs.map(([scope]) => scope), refs.map(([, key]) => key)],
      );
      return refs.map(() => undefined);
    },
    perTurn(500),
  );

export const createIdempotencyStore = (db: Executor, t: TableNames): IdempotencyStore => {
  // Inside a caller's transaction the statement order is the caller's, so statements go one by one.
  const finder = isPool(db) ? batchedFinder(db, t) : null;
  const claimer = isPool(db) ? batchedClaimer(db, t) : null;
  const completer = isPool(db) ? batchedCompleter(db, t) : null;
  const abandoner = isPool(db) ? batchedAbandoner(db, t) : null;
  return {
    async find(scope, key) {
      const row = finder ? await finder.load([scope, key]) : await findRow(db, t, scope, key);
      return row ? toRecord(row) : null;
    },

    async claim(scope, key, requestHash) {
      // Insert-or-read loops because the existing claim can be abandoned between the two statements.
      for (;;) {
        const inserted = claimer ? await claimer.load([scope, key, requestHash]) : await insertClaim(db, t, scope, key, requestHash);
        if (inserted) return { claimed: true };
        const row = await findRow(db, t, scope, key);
        if (row) return { claimed: false, record: toRecord(row) };
      }
    },

    async complete(scope, key, response) {
      const body = JSON.stringify(response.body ?? null);
      if (completer) {
        await completer.load([scope, key, response.status, body]);
        return;
      }
      await query(
        db,
        'complete idempotency key',
        `UPDATE ${t.idempotencyKeys} SET response_status = $3, response_body = $4::jsonb WHERE scope = $1 AND key = $2`,
        [scope, key, response.status, body],
      );
    },

    async reclaim(scope, key, staleAfterMs) {
      // Dated by the database's clock on both sides, so no process's clock decides what is stale.
      const rows = await query(
        db,
        'reclaim idempotency key',
        `UPDATE ${t.idempotencyKeys} SET created_at = now()
         WHERE scope = $1 AND key = $2 AND response_status IS NULL AND created_at <= now() - make_interval(secs => $3::double precision / 1000)
         RETURNING scope`,
        [scope, key, staleAfterMs],
      );
      return rows.length > 0;
    },

    async abandon(scope, key) {
      if (abandoner) {
        await abandoner.load([scope, key]);
        return;
      }
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
