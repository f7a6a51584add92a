import type { DomainEvent, OutboxRecord } from '@limitedcart/core';
import { type ClientBase, escapeLiteral } from 'pg';
import { resolveSchema } from './options.js';
import { type Executor, inTransaction, isPool, query, type TableNames, tableNames, toNumber } from './sql.js';

/** NOTIFY channel that wakes this schema's event-bus subscribers; the payload is the topic. */
export const notifyChannel = (schema: string): string => `${schema}_outbox`;

export interface OutboxRow {
  position: string;
  /** The appending transaction's id (xid8, as text): readers order by it, then by position. */
  xid: string;
  event_id: string;
  topic: string;
  type: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
  occurred_at: string;
}

export const toOutboxRecord = (row: OutboxRow): OutboxRecord => ({
  position: toNumber(row.position),
  event: {
    id: row.event_id,
    topic: row.topic,
    type: row.type,
    aggregateId: row.aggregate_id,
    payload: row.payload,
    occurredAt: row.occurred_at,
  },
});

const appendRows = async (client: ClientBase, t: TableNames, schema: string, events: readonly DomainEvent[]) => {
  // No lock: each row carries its transaction's id, and readers wait for older transactions (see migration 0004).
  await query(
    client,
    'append to outbox',
    `INSERT INTO ${t.outbox} (event_id, topic, type, aggregate_id, payload, occurred_at)
     SELECT event_id, topic, type, aggregate_id, payload, occurred_at FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[]) WITH ORDINALITY
       AS e(event_id, topic, type, aggregate_id, payload, occurred_at, n)
     ORDER BY n
     ON CONFLICT (event_id) DO NOTHING`,
    [
      events.map((e) => e.id),
      events.map((e) => e.topic),
      events.map((e) => e.type),
      events.map((e) => e.aggregateId),
      events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => e.occurredAt),
    ],
  );
  // NOTIFY is transactional: subscribers are woken only if and when this transaction commits.
  await query(client, 'notify outbox', 'SELECT pg_notify($1, topic) FROM unnest($2::text[]) AS topic', [
    notifyChannel(schema),
    [...new Set(events.map((e) => e.topic))],
  ]);
};

/**
 * The append of `events` as SQL text with inlined literals (insert, notify; the same effect as `appendRows`), for
 * a caller that sends it together with its COMMIT as one simple-protocol message. Every value goes through
 * `escapeLiteral`. Empty for no events.
 */
export const appendStatements = (t: TableNames, schema: string, events: readonly DomainEvent[]): string => {
  if (events.length === 0) return '';
  const rows = events.map((e) =>
    [e.id, e.topic, e.type, e.aggregateId, JSON.stringify(e.payload), e.occurredAt].map(escapeLiteral).join(', '),
  );
  const topics = [...new Set(events.map((e) => e.topic))];
  return [
    `INSERT INTO ${t.outbox} (event_id, topic, type, aggregate_id, payload, occurred_at) VALUES (${rows.join('), (')}) ON CONFLICT (event_id) DO NOTHING`,
    ...topics.map((topic) => `SELECT pg_notify(${escapeLiteral(notifyChannel(schema))}, ${escapeLiteral(topic)})`),
  ].join('; ');
};

/** Appends on a pool (own transaction) or on a client inside the caller's transaction; see `appendToOutbox`. */
export const appendEvents = async (
  executor: Executor,
  t: TableNames,
  schema: string,
  events: readonly DomainEvent[],
): Promise<void> => {
  if (events.length === 0) return;
  if (isPool(executor)) {
    await inTransaction(executor, 'append to outbox', (client) => appendRows(client, t, schema, events));
  } else {
    await appendRows(executor, t, schema, events);
  }
};

/** Relay side of the outbox: oldest unshipped rows, leased so concurrent relays do not ship the same rows. */
export const claimUnshipped = async (executor: Executor, t: TableNames, limit: number, leaseMs: number) => {
  const rows = await query<OutboxRow>(
    executor,
    'claim unshipped outbox rows',
    `UPDATE ${t.outbox} SET lease_until = clock_timestamp() + make_interval(secs => $2::double precision / 1000)
     WHERE position IN (
       SELECT position FROM ${t.outbox}
       WHERE shipped_at IS NULL AND (lease_until IS NULL OR lease_until < clock_timestamp())
       ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [limit, leaseMs],
  );
  return rows.map(toOutboxRecord).sort((a, b) => a.position - b.position);
};

export const markShipped = async (executor: Executor, t: TableNames, positions: readonly number[]) => {
  if (positions.length === 0) return;
  await query(
    executor,
    'mark outbox rows shipped',
    `UPDATE ${t.outbox} SET shipped_at = clock_timestamp(), lease_until = NULL WHERE position = ANY($1::bigint[])`,
    [[...positions]],
  );
};

/**
 * Appends events to the outbox of `schema` (default `limitedcart`). Given a pool, it runs in its own
 * transaction; given a client, it must run inside a transaction the caller opened on it (BEGIN … COMMIT), so the
 * events commit (and wake subscribers) with the caller's state change or not at all. An event id already in the
 * outbox is skipped, which makes re-appending harmless.
 */
export const appendToOutbox = (
  executor: Executor,
  events: readonly DomainEvent[],
  options: { readonly schema?: string } = {},
): Promise<void> => {
  const schema = resolveSchema(options.schema);
  return appendEvents(executor, tableNames(schema), schema, events);
};
