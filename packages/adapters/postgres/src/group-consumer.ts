import { randomUUID } from 'node:crypto';
import type { EventHandler, OutboxRecord } from '@limitedcart/core';
import type { Pool } from 'pg';
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
  readonly leaseMs: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly startFrom: 'beginning' | 'latest';
  readonly onError: (error: unknown) => void;
}

/**
 * One member of a consumer group reading one topic from the outbox.
 *
 * The group's position lives in `consumer_offsets`. A member works only while it holds that row's lease, so one
 * member of a group is active at a time and the others stand by (taking over when the lease lapses or the
 * active member unsubscribes). Events are handled one at a time in outbox order; the offset advances past the
 * events handled once per batch (at-least-once), and a failing handler gets the same event again after a backoff.
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
    const start = this.s.startFrom === 'latest' ? `(SELECT coalesce(max(position), 0) FROM ${t.outbox})` : '0';
    await query(
      this.s.pool,
      'create consumer offset',
      `INSERT INTO ${t.consumerOffsets} (group_name, topic, position) VALUES ($1, $2, ${start})
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
    await query(
      this.s.pool,
      'release consumer lease',
      `UPDATE ${this.s.tables.consumerOffsets} SET lease_owner = NULL, lease_until = NULL
       WHERE group_name = $1 AND topic = $2 AND lease_owner = $3`,
      [this.s.group, this.s.topic, this.#member],
    ).catch((error: unknown) => this.s.onError(error));
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#wakePending = false;
      let outcome: 'more' | 'idle' | 'failed';
      try {
        outcome = await this.#round();
      } catch (error) {
        this.s.onError(error);
        outcome = 'failed';
      }
      // stop() may have run while the round was in flight, when there was no sleep to cut short.
      if (!this.#running) break;
      if (outcome === 'more') continue;
      if (outcome === 'failed') {
        const delay = Math.min(this.s.retryMaxDelayMs, this.s.retryInitialDelayMs * 2 ** this.#failures);
        this.#failures += 1;
        await this.#sleep(delay, false);
      } else if (!this.#wakePending) {
        await this.#sleep(this.s.pollIntervalMs, true);
      }
    }
  }

  /** Claims the lease, then handles up to one batch. */
  async #round(): Promise<'more' | 'idle' | 'failed'> {
    const { pool, tables: t, group, topic } = this.s;
    const [lease] = await query<{ position: string }>(
      pool,
      'claim consumer lease',
      `UPDATE ${t.consumerOffsets}
       SET lease_owner = $3, lease_until = clock_timestamp() + make_interval(secs => $4::double precision / 1000)
       WHERE group_name = $1 AND topic = $2
         AND (lease_owner IS NULL OR lease_owner = $3 OR lease_until < clock_timestamp())
       RETURNING position`,
      [group, topic, this.#member, this.s.leaseMs],
    );
    if (!lease) return 'idle';
    // Appenders serialise until commit, so every position below a visible one is already visible: reading
    // past the stored offset cannot skip an event that commits later.
    const rows = await query<OutboxRow>(
      pool,
      'read outbox',
      `SELECT * FROM ${t.outbox} WHERE topic = $1 AND position > $2 ORDER BY position LIMIT $3`,
      [topic, lease.position, this.s.batchSize],
    );
    // A slow handler keeps the lease alive, so no other member takes over an event still being handled.
    const heartbeat = setInterval(() => void this.#renewLease(), Math.max(100, Math.floor(this.s.leaseMs / 3)));
    let handled: OutboxRecord | undefined;
    let outcome: 'more' | 'idle' | 'failed' = rows.length === this.s.batchSize ? 'more' : 'idle';
    try {
      for (const row of rows) {
        if (!this.#running) {
          outcome = 'idle';
          break;
        }
        const record = toOutboxRecord(row);
        try {
          await this.s.handler(record.event);
        } catch (error) {
          this.s.onError(error);
          outcome = 'failed';
          break;
        }
        this.#failures = 0;
        handled = record;
      }
    } finally {
      clearInterval(heartbeat);
    }
    // One offset write per batch rather than per event: a crash before it only hands the batch's handled events
    // to the next owner again (delivery is at-least-once either way).
    if (handled !== undefined && !(await this.#advance(handled.position))) return 'idle';
    return outcome;
  }

  /** Moves the group's offset to `position`; false when this member no longer holds the lease. */
  async #advance(position: number): Promise<boolean> {
    const { pool, tables: t, group, topic } = this.s;
    const advanced = await query(
      pool,
      'advance consumer offset',
      `UPDATE ${t.consumerOffsets}
       SET position = $4, updated_at = clock_timestamp(),
           lease_until = clock_timestamp() + make_interval(secs => $5::double precision / 1000)
       WHERE group_name = $1 AND topic = $2 AND lease_owner = $3 AND position < $4
       RETURNING position`,
      [group, topic, this.#member, position, this.s.leaseMs],
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
