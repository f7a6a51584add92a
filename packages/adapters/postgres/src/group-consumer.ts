import { randomUUID } from 'node:crypto';
import type { EventHandler } from '@limitedcart/core';
import type { Pool } from 'pg';
import { handleInLanes } from './aggregate-lanes.js';
import { type OutboxRow, toOutboxRecord } from './outbox.js';
import { query, type TableNames } from './sql.js';

export interface GroupConsumerSettings {
  readonly pool: Pool;
  readonly tables: TableNames;
  readonly topic: string;
  readonly group: string;
  readonly handler: EventHandler;
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  /** Aggregates of one batch handled side by side (each aggregate's events still one at a time, in order). */
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly startFrom: 'beginning' | 'latest';
  /** Drop the group's offset row on stop: the group lives for this consumer alone. */
  readonly ephemeral: boolean;
  readonly onError: (error: unknown) => void;
}

/** `settling`: a committed row waits for an older transaction to end (see `#round`). */
type Outcome = 'more' | 'idle' | 'settling' | 'failed';

/** How soon a round that found rows still settling looks again; older transactions are short. */
const SETTLE_DELAY_MS = 5;

/**
 * One member of a consumer group reading one topic from the outbox.
 *
 * The group's position lives in `consumer_offsets`. A member works only while it holds that row's lease, so one
 * member of a group is active at a time and the others stand by (taking over when the lease lapses or the
 * active member unsubscribes). A batch is handled in outbox order per aggregate, different aggregates side by side
 * (`handleInLanes`); the offset advances past the handled prefix of the batch once per batch (at-least-once), and a
 * failing handler gets the same event again after a backoff.
 */
export class GroupConsumer {
  readonly #member = randomUUID();
  #running = true;
  #wakePending = false;
  #wakeSleeper: (() => void) | undefined;
  #failures = 0;
  #loop: Promise<void> | undefined;

  constructor(private readonly s: GroupConsumerSettings) {}

  /** Records the group's starting offset (if new), then starts the loop. */
  async start(): Promise<void> {
    const t = this.s.tables;
    // 'latest': behind the newest row, in reading order (transaction id, then position).
    const newest = `(SELECT xid, position FROM ${t.outbox} ORDER BY xid DESC, position DESC LIMIT 1)`;
    const start = this.s.startFrom === 'latest' ? newest : `(SELECT '0'::xid8 AS xid, 0::bigint AS position)`;
    await query(
      this.s.pool,
      'create consumer offset',
      `INSERT INTO ${t.consumerOffsets} (group_name, topic, xid, position)
       SELECT $1, $2, coalesce(s.xid, '0'), coalesce(s.position, 0) FROM (SELECT 1) AS one LEFT JOIN ${start} AS s ON true
       ON CONFLICT (group_name, topic) DO NOTHING`,
      [this.s.group, this.s.topic],
    );
    this.#loop = this.#run();
  }

  /** A hint that new events may exist; coalesced, and ignored while backing off after a failure. */
  wake(): void {
    this.#wakePending = true;
    this.#wakeSleeper?.();
  }

  /** Stops after the in-flight handler finishes and hands the group to another member. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wakeSleeper?.();
    await this.#loop;
    await (this.s.ephemeral
      ? query(
          this.s.pool,
          'drop consumer offset',
          `DELETE FROM ${this.s.tables.consumerOffsets} WHERE group_name = $1 AND topic = $2`,
          [this.s.group, this.s.topic],
        )
      : query(
          this.s.pool,
          'release consumer lease',
          `UPDATE ${this.s.tables.consumerOffsets} SET lease_owner = NULL, lease_until = NULL
           WHERE group_name = $1 AND topic = $2 AND lease_owner = $3`,
          [this.s.group, this.s.topic, this.#member],
        )
    ).catch((error: unknown) => this.s.onError(error));
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#wakePending = false;
      let outcome: Outcome;
      try {
        outcome = await this.#round();
      } catch (error) {
        this.s.onError(error);
        outcome = 'failed';
      }
      // stop() may have run while the round was in flight, when there was no sleep to cut short.
      if (!this.#running) break;
      if (outcome === 'more') continue;
      if (outcome === 'settling') {
        await this.#sleep(SETTLE_DELAY_MS, true);
        continue;
      }
      if (outcome === 'failed') {
        const delay = Math.min(this.s.retryMaxDelayMs, this.s.retryInitialDelayMs * 2 ** this.#failures);
        this.#failures += 1;
        await this.#sleep(delay, false);
      } else if (!this.#wakePending) {
        await this.#sleep(this.s.pollIntervalMs, true);
      }
    }
  }

  /** Claims the lease and reads a batch in one statement, then handles the batch. */
  async #round(): Promise<Outcome> {
    const { pool, tables: t, group, topic } = this.s;
    // Only rows of transactions older than every running one are handled ("settled"): any transaction still to
    // commit has a larger id, so its rows sort after them and moving the cursor past them cannot skip an event that
    // commits later (this statement's own transaction id, from the lease's update, is never below the oldest running
    // one). Rows are sorted by transaction id, so the settled ones are a prefix of the batch.
    // No row: another member holds the lease. One row of nulls: the lease, and nothing to read.
    const claimed = await query<{ [K in keyof OutboxRow]: OutboxRow[K] | null } & { settled: boolean | null }>(
      pool,
      'claim consumer lease and read outbox',
      `WITH lease AS (
         UPDATE ${t.consumerOffsets}
         SET lease_owner = $3, lease_until = clock_timestamp() + make_interval(secs => $4::double precision / 1000)
         WHERE group_name = $1 AND topic = $2
           AND (lease_owner IS NULL OR lease_owner = $3 OR lease_until < clock_timestamp())
         RETURNING xid, position
       )
       SELECT o.*, o.xid < pg_snapshot_xmin(pg_current_snapshot()) AS settled
       FROM lease LEFT JOIN LATERAL (
         SELECT * FROM ${t.outbox}
         WHERE topic = $2 AND (xid, position) > (lease.xid, lease.position)
         ORDER BY xid, position LIMIT $5
       ) AS o ON true
       ORDER BY o.xid, o.position`,
      [group, topic, this.#member, this.s.leaseMs, this.s.batchSize],
    );
    if (claimed.length === 0) return 'idle';
    const read = claimed.filter((row): row is OutboxRow & { settled: boolean } => row.position !== null);
    const settledCount = read.findIndex((row) => !row.settled);
    const rows = settledCount === -1 ? read : read.slice(0, settledCount);
    // A slow handler keeps the lease alive, so no other member takes over an event still being handled.
    const heartbeat = setInterval(() => void this.#renewLease(), Math.max(100, Math.floor(this.s.leaseMs / 3)));
    // A committed row behind a still-running older transaction is read again shortly, not at the next poll.
    let outcome: Outcome = rows.length === this.s.batchSize ? 'more' : rows.length < read.length ? 'settling' : 'idle';
    let handledPrefix = 0;
    try {
      const lanes = await handleInLanes(rows, {
        aggregateOf: (row) => row.aggregate_id,
        handle: (row) => this.s.handler(toOutboxRecord(row).event),
        onFailure: this.s.onError,
        concurrency: this.s.concurrency,
        keepGoing: () => this.#running,
      });
      handledPrefix = lanes.handledPrefix;
      if (handledPrefix > 0 || !lanes.failed) this.#failures = 0;
      if (lanes.failed) outcome = 'failed';
      else if (handledPrefix < rows.length) outcome = 'idle';
    } finally {
      clearInterval(heartbeat);
    }
    const last = rows[handledPrefix - 1];
    const handled = last === undefined ? undefined : { xid: last.xid, position: toOutboxRecord(last).position };
    // One offset write per batch rather than per event: a crash before it only hands the batch's handled events
    // to the next owner again (delivery is at-least-once either way).
    if (handled !== undefined && !(await this.#advance(handled))) return 'idle';
    return outcome;
  }

  /** Moves the group's offset to `to`; false when this member no longer holds the lease. */
  async #advance(to: { readonly xid: string; readonly position: number }): Promise<boolean> {
    const { pool, tables: t, group, topic } = this.s;
    const advanced = await query(
      pool,
      'advance consumer offset',
      `UPDATE ${t.consumerOffsets}
       SET xid = $4::xid8, position = $5, updated_at = clock_timestamp(),
           lease_until = clock_timestamp() + make_interval(secs => $6::double precision / 1000)
       WHERE group_name = $1 AND topic = $2 AND lease_owner = $3 AND (xid, position) < ($4::xid8, $5::bigint)
       RETURNING position`,
      [group, topic, this.#member, to.xid, to.position, this.s.leaseMs],
    );
    // Lost the lease (we stalled past it and another member took over): stop; the new owner continues.
    return advanced.length > 0;
  }

  async #renewLease(): Promise<void> {
    await query(
      this.s.pool,
      'renew consumer lease',
      `UPDATE ${this.s.tables.consumerOffsets}
       SET lease_until = clock_timestamp() + make_interval(secs => $4::double precision / 1000)
       WHERE group_name = $1 AND topic = $2 AND lease_owner = $3`,
      [this.s.group, this.s.topic, this.#member, this.s.leaseMs],
    ).catch((error: unknown) => this.s.onError(error));
  }

  #sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakeSleeper = wakeable ? done : () => (this.#running ? undefined : done());
    });
  }
}
