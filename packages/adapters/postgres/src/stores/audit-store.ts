import type { AuditEntry, AuditKind, AuditStore } from '@limitedcart/core';
import { type Executor, query, type TableNames } from '../sql.js';
import { pageBounds } from './rows.js';

interface AuditRow {
  id: string;
  kind: string;
  actor_id: string | null;
  subject: string;
  details: Record<string, unknown>;
  at: Date;
}

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  kind: row.kind as AuditKind,
  actorId: row.actor_id,
  subject: row.subject,
  details: row.details,
  at: row.at,
});

/** The audit log (migration 0005): an append-only table, read newest first by its sequence. */
export const createAuditStore = (db: Executor, t: TableNames): AuditStore => ({
  async append(entries) {
    if (entries.length === 0) return;
    await query(
      db,
      'append to audit log',
      `INSERT INTO ${t.auditLog} (id, kind, actor_id, subject, details)
       SELECT id, kind, actor_id, subject, details
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS e(id, kind, actor_id, subject, details, n)
       ORDER BY n
       ON CONFLICT (id) DO NOTHING`,
      [
        entries.map((entry) => entry.id),
        entries.map((entry) => entry.kind),
        entries.map((entry) => entry.actorId),
        entries.map((entry) => entry.subject),
        entries.map((entry) => JSON.stringify(entry.details)),
      ],
    );
  },

  async list({ page, size, kind, subject }) {
    const { limit, offset } = pageBounds(page, size);
    const where = 'WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR subject = $2)';
    const filters = [kind ?? null, subject ?? null];
    const [rows, counts] = await Promise.all([
      query<AuditRow>(db, 'list audit log', `SELECT * FROM ${t.auditLog} ${where} ORDER BY seq DESC LIMIT $3 OFFSET $4`, [
        ...filters,
        limit,
        offset,
      ]),
      query<{ total: string }>(db, 'count audit log', `SELECT count(*) AS total FROM ${t.auditLog} ${where}`, filters),
    ]);
    return { items: rows.map(toEntry), page, size, total: Number(counts[0]?.total ?? 0) };
  },
});
