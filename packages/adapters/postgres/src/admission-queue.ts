import {
  type AdmissionEntry,
  type AdmissionQueue,
  type AdmissionQueueMode,
  type AdmissionQueueState,
  type AdmissionQueueStatus,
  admissionQueueInput as input,
} from '@limitedcart/core';
import { type PostgresTarget, resolveSchema } from './options.js';
import DataLoader from 'dataloader';
import { perTurn, query, toNumber } from './sql.js';

export type PostgresAdmissionQueueOptions = PostgresTarget;

interface EntryRow {
  state: AdmissionEntry['state'];
  position: string | null;
  joined_at: Date;
  admitted_until: Date | null;
}

interface StatusRow {
  mode: AdmissionQueueMode;
  opens_at: Date;
  state: AdmissionQueueState;
  drawn: boolean;
  lined: string;
  admitted: string;
  used: string;
  abandoned: string;
}

const toEntry = (dropId: string, customerId: string, row: EntryRow): AdmissionEntry => ({
  dropId,
  customerId,
  state: row.state,
  position: row.position === null ? null : toNumber(row.position),
  joinedAt: row.joined_at,
  admittedUntil: row.admitted_until,
});

const toStatus = (dropId: string, row: StatusRow): AdmissionQueueStatus => {
  const lined = toNumber(row.lined);
  const open = row.state === 'OPEN';
  return {
    dropId,
    mode: row.mode,
    opensAt: row.opens_at,
    state: row.state,
    drawn: row.drawn,
    waiting: open ? lined : 0,
    admitted: toNumber(row.admitted),
    used: toNumber(row.used),
    abandoned: toNumber(row.abandoned),
    turnedAway: open ? 0 : lined,
  };
};

/**
 * `AdmissionQueue` on Postgres (tables and functions of migration 0009). Every operation is one statement (a
 * function call) decided on the database's clock; joins, the raffle's draw and admissions of one drop take turns on
 * the drop's row lock, so tickets follow commit order and a concurrent admit can never overshoot `maxActive`.
 */
export function createPostgresAdmissionQueue(options: PostgresAdmissionQueueOptions): AdmissionQueue {
  const schema = resolveSchema(options.schema);
  const q = (name: string) => `"${schema}".${name}`;
  const db = options.pool;

  const status = async (dropId: string): Promise<AdmissionQueueStatus | null> => {
    const [row] = await query<StatusRow>(db, 'queue status', `SELECT * FROM ${q('queue_status')}($1)`, [dropId]);
    return row ? toStatus(dropId, row) : null;
  };

  /**
   * Positions asked in one turn of the event loop, one statement per drop. During a drop every waiting shopper
   * polls their ticket (hundreds a second): one round trip each saturated the pool, and the admitter's statements
   * waited in line behind them, which delayed every admission notice by seconds. Each row still runs
   * `queue_position` (which settles the drop first), exactly as a single call does.
   */
  const positions = new DataLoader<readonly [string, string], AdmissionEntry | null, string>(
    async (keys) => {
      const byDrop = new Map<string, string[]>();
      for (const [dropId, customerId] of keys) {
        const customers = byDrop.get(dropId) ?? [];
        customers.push(customerId);
        byDrop.set(dropId, customers);
      }
      const found = new Map<string, AdmissionEntry>();
      await Promise.all(
        [...byDrop].map(async ([dropId, customerIds]) => {
          const rows = await query<EntryRow & { customer_id: string }>(
            db,
            'queue positions',
            `SELECT c.customer_id, p.* FROM unnest($2::text[]) AS c (customer_id), LATERAL ${q('queue_position')}($1, c.customer_id) AS p`,
            [dropId, [...new Set(customerIds)]],
          );
          for (const row of rows) found.set(`${dropId}\u0000${row.customer_id}`, toEntry(dropId, row.customer_id, row));
        }),
      );
      return keys.map(([dropId, customerId]) => found.get(`${dropId}\u0000${customerId}`) ?? null);
    },
    { ...perTurn(500), cacheKeyFn: ([dropId, customerId]) => `${dropId}\u0000${customerId}` },
  );

  /** One of the functions that answer with an entry: position, complete, leave. */
  const entry = async (fn: string, what: string, dropId: string, customerId: string): Promise<AdmissionEntry | null> => {
    const [row] = await query<EntryRow>(db, what, `SELECT * FROM ${q(fn)}($1, $2)`, [dropId, customerId]);
    return row ? toEntry(dropId, customerId, row) : null;
  };

  return {
    async configure(dropId, settings) {
      input.settings(dropId, settings);
      // opensAt moves only while the queue has not opened; the mode stays what it was created with.
      await query(
        db,
        'configure queue',
        `INSERT INTO ${q('queue_drops')} AS d (drop_id, mode, opens_at, drawn) VALUES ($1, $2, $3, $2 = 'fifo')
         ON CONFLICT (drop_id) DO UPDATE SET opens_at = excluded.opens_at
         WHERE d.state = 'OPEN' AND d.opens_at > clock_timestamp() AND d.opens_at IS DISTINCT FROM excluded.opens_at`,
        [dropId, settings.mode, settings.opensAt],
      );
      return (await status(dropId))!;
    },

    async join(dropId, customerId) {
      input.entry(dropId, customerId);
      const [row] = await query<EntryRow & { outcome: 'JOINED' | 'EXISTING' | 'NO_QUEUE' | 'SOLD_OUT' }>(
        db,
        'join queue',
        `SELECT * FROM ${q('queue_join')}($1, $2)`,
        [dropId, customerId],
      );
      const outcome = row!.outcome;
      if (outcome === 'NO_QUEUE' || outcome === 'SOLD_OUT') return { ok: false, reason: outcome };
      return { ok: true, joined: outcome === 'JOINED', entry: toEntry(dropId, customerId, row!) };
    },

    async position(dropId, customerId) {
      input.entry(dropId, customerId);
      // Settles first, so the first question after the opening draws the raffle.
      return positions.load([dropId, customerId]);
    },

    async admit(request) {
      input.admit(request);
      const [row] = await query<{ result: { replayed: boolean; admitted: [string, number][] } }>(
        db,
        'admit from queue',
        `SELECT ${q('queue_admit')}($1, $2, $3, $4, $5) AS result`,
        [request.dropId, request.count, request.maxActive ?? null, request.admitForMs, request.opId],
      );
      const { replayed, admitted } = row!.result;
      return { admitted: admitted.map(([customerId, until]) => ({ customerId, admittedUntil: new Date(until) })), replayed };
    },

    async complete(dropId, customerId) {
      input.entry(dropId, customerId);
      return entry('queue_complete', 'complete admission', dropId, customerId);
    },

    async leave(dropId, customerId) {
      input.entry(dropId, customerId);
      return entry('queue_leave', 'leave queue', dropId, customerId);
    },

    async expire(dropId) {
      input.drop(dropId);
      const rows = await query<{ customer_id: string }>(
        db,
        'expire admissions',
        `UPDATE ${q('queue_entries')} SET state = 'EXPIRED'
          WHERE drop_id = $1 AND state = 'ADMITTED' AND admitted_until <= clock_timestamp() RETURNING customer_id`,
        [dropId],
      );
      return rows.map((row) => row.customer_id);
    },

    async closeSoldOut(dropId) {
      input.drop(dropId);
      // Takes the drop's row lock: a join in flight finishes first, every later one sees SOLD_OUT.
      await query(
        db,
        'close queue',
        `UPDATE ${q('queue_drops')} SET state = 'SOLD_OUT', closed_at = coalesce(closed_at, clock_timestamp()) WHERE drop_id = $1`,
        [dropId],
      );
      return status(dropId);
    },

    async status(dropId) {
      input.drop(dropId);
      return status(dropId);
    },
  };
}
