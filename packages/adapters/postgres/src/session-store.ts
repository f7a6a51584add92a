import { newId, type RotateResult, type SessionStore, validationError } from '@limitedcart/core';
import { type PostgresStoresOptions, resolveSchema } from './options.js';
import { byIdLoader, query, tableNames } from './sql.js';
import { type SessionRow, toSession } from './stores/rows.js';

/** Interval arithmetic in SQL: the expiry is decided on the database's clock, shared by every replica. */
const AFTER_MS = (param: string) => `clock_timestamp() + ${param} * interval '1 millisecond'`;

/**
 * `SessionStore` on Postgres. A rotation is one statement that locks the session by the presented token's hash and
 * rewrites it; a token that matches no live session falls through to the reuse check, which finds the hash among
 * the rotated-away tokens.
 */
export function createPostgresSessionStore(options: PostgresStoresOptions): SessionStore {
  const t = tableNames(resolveSchema(options.schema));
  const db = options.pool;
  const reader = byIdLoader<SessionRow>(db, 'get sessions', t.sessions);

  return {
    async create(session) {
      const [row] = await query<SessionRow>(
        db,
        'create session',
        `INSERT INTO ${t.sessions} (id, customer_id, refresh_token_hash, expires_at)
         VALUES ($1, $2, $3, ${AFTER_MS('$4::bigint')}) RETURNING *`,
        [session.id ?? newId(), session.customerId, session.refreshTokenHash, session.ttlMs],
      );
      return toSession(row as SessionRow);
    },

    async get(id) {
      const row = await reader.load(id);
      return row ? toSession(row) : null;
    },

    async findByRefreshToken(tokenHash) {
      const [row] = await query<SessionRow>(
        db,
        'find session by refresh token',
        `SELECT * FROM ${t.sessions} WHERE refresh_token_hash = $1
         UNION ALL
         SELECT s.* FROM ${t.sessions} s JOIN ${t.sessionRotatedTokens} r ON r.session_id = s.id WHERE r.token_hash = $1
         LIMIT 1`,
        [tokenHash],
      );
      return row ? toSession(row) : null;
    },

    async rotate(presentedHash, nextHash, ttlMs, options): Promise<RotateResult> {
      const graceMs = options?.reuseGraceMs ?? 0;
      if (!Number.isSafeInteger(graceMs) || graceMs < 0) throw validationError(`reuseGraceMs must be a non-negative integer, got ${graceMs}`);
      // `target` locks the session of the current token, or of the token it replaced while that one's window is
      // open. A concurrent rotation with the same token waits on the lock and re-reads the row after its commit:
      // without a window it no longer matches (reuse below); inside one it retries from the replaced token.
      const [rotated] = await query<SessionRow>(
        db,
        'rotate refresh token',
        `WITH target AS (
           SELECT id, refresh_token_hash AS replaced, refresh_token_hash = $1 AS current FROM ${t.sessions}
            WHERE (refresh_token_hash = $1 OR (previous_token_hash = $1 AND previous_valid_until > clock_timestamp()))
              AND revoked_at IS NULL AND expires_at > clock_timestamp()
              FOR UPDATE
         ), rotated AS (
           UPDATE ${t.sessions} s
              SET refresh_token_hash = $2, refreshed_at = clock_timestamp(), expires_at = ${AFTER_MS('$3::bigint')},
                  previous_token_hash = CASE WHEN target.current THEN $1 ELSE s.previous_token_hash END,
                  previous_valid_until = CASE WHEN target.current THEN ${AFTER_MS('$4::bigint')} ELSE s.previous_valid_until END
             FROM target WHERE s.id = target.id
           RETURNING s.*, target.replaced
         ), kept AS (
           INSERT INTO ${t.sessionRotatedTokens} (token_hash, session_id) SELECT replaced, id FROM rotated
         )
         SELECT * FROM rotated`,
        [presentedHash, nextHash, ttlMs, graceMs],
      );
      if (rotated) return { ok: true, session: toSession(rotated) };
      // Not rotated: a token rotated away (reuse: revoke its session), or the current token of an ended session.
      const [ended] = await query<SessionRow & { outcome: 'REUSED' | 'REVOKED' | 'EXPIRED' }>(
        db,
        'check refresh token reuse',
        `WITH reused AS (
           UPDATE ${t.sessions} s
              SET revoked_at = coalesce(s.revoked_at, clock_timestamp()),
                  revoked_reason = coalesce(s.revoked_reason, 'REFRESH_REUSED')
             FROM ${t.sessionRotatedTokens} r
            WHERE r.token_hash = $1 AND s.id = r.session_id
           RETURNING s.*
         )
         SELECT 'REUSED' AS outcome, * FROM reused
         UNION ALL
         SELECT CASE WHEN revoked_at IS NULL THEN 'EXPIRED' ELSE 'REVOKED' END, * FROM ${t.sessions} WHERE refresh_token_hash = $1
         LIMIT 1`,
        [presentedHash],
      );
      if (!ended) return { ok: false, reason: 'UNKNOWN' };
      return { ok: false, reason: ended.outcome, session: toSession(ended) };
    },

    async revoke(id, reason) {
      const [row] = await query<SessionRow>(
        db,
        'revoke session',
        `UPDATE ${t.sessions}
            SET revoked_at = coalesce(revoked_at, clock_timestamp()), revoked_reason = coalesce(revoked_reason, $2)
          WHERE id = $1 RETURNING *`,
        [id, reason],
      );
      return row ? toSession(row) : null;
    },

    async revokeAll(customerId, reason) {
      const rows = await query<{ id: string }>(
        db,
        'revoke every session of a customer',
        `UPDATE ${t.sessions} SET revoked_at = clock_timestamp(), revoked_reason = $2
          WHERE customer_id = $1 AND revoked_at IS NULL RETURNING id`,
        [customerId, reason],
      );
      return rows.map((row) => row.id);
    },
  };
}
