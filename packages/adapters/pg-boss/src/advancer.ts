import { LimitedCartError } from '@limitedcart/core';
import { isRetryableError, orderSaga } from '@limitedcart/core/saga';
import type { Logger } from '@limitedcart/core';
import type { OrderSagaActivities, OrderSagaResult } from '@limitedcart/core/saga';
import type { Pool, PoolClient, QueryResult } from 'pg';
import type { AdvanceQueue } from './advance-queue.js';
import { checkout, withTransaction } from './db.js';
import type { LateSignals } from './late-signals.js';
import type { PgBossTuning } from './options.js';
import { ReplayContext } from './replay-context.js';
import { SagaLock } from './saga-lock.js';
import type { JournalEntry, InstanceRow, SagaTables } from './store.js';

/** What pg-boss should do with the advance job. */
export type AdvanceVerdict =
  | { readonly status: 'completed'; readonly output: { readonly outcome: string } }
  | { readonly status: 'failed'; readonly output: { readonly message: string } }
  | { readonly status: 'deadletter'; readonly output: { readonly message: string } };

const done = (outcome: string): AdvanceVerdict => ({ status: 'completed', output: { outcome } });

/**
 * Executes one advance of one saga: replays `orderSaga` from its journal and runs it forward until it
 * suspends, completes or fails. An advisory lock per saga keeps two workers from advancing the same saga at
 * once (see `SagaLock`); it is held by the connection, so a worker killed mid-advance releases it with its socket.
 */
export class SagaAdvancer {
  constructor(
    /** Connections held for the saga lock during a whole advance. */
    private readonly lockPool: Pool,
    private readonly schema: string,
    private readonly tables: SagaTables,
    private readonly queue: AdvanceQueue,
    private readonly lateSignals: LateSignals,
    private readonly activities: OrderSagaActivities,
    private readonly tuning: PgBossTuning,
    private readonly logger: Logger | undefined,
  ) {}

  /** `deadlineQueued`: the job was queued together with the saga's payment-deadline timer (its first job). */
  async advance(orderId: string, lastAttempt: boolean, deadlineQueued = false): Promise<AdvanceVerdict> {
    let client: PoolClient;
    try {
      client = await checkout(this.lockPool);
    } catch (error) {
      return { status: 'failed', output: { message: messageOf(error) } };
    }
    let broken: Error | undefined;
    const lock = new SagaLock(`limitedcart-saga:${this.schema}:${orderId}`);
    try {
      const start = await this.#lockAndRead(client, lock, orderId);
      if (!start.locked) {
        // Another worker is advancing it; look again shortly so a wake-up sent meanwhile is not lost. The delay is
        // counted on the database's clock: a worker whose own clock runs ahead must not push the retry out.
        await this.queue.wake(orderId, 'busy', { startAfter: this.tuning.busyRetrySeconds });
        return done('busy');
      }
      if (!start.state) return done('unknown');
      return await this.#advanceLocked(client, orderId, start.state, lastAttempt, deadlineQueued, lock);
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      return { status: 'failed', output: { message: broken.message } };
    } finally {
      if (!lock.released && !broken) {
        await client.query(lock.abandonSql()).then(
          () => lock.release(),
          (error: unknown) => {
            broken = error instanceof Error ? error : new Error(String(error));
          },
        );
      }
      // A broken connection is destroyed, which also drops any lock it still holds.
      client.release(broken);
    }
  }

  async #advanceLocked(
    client: PoolClient,
    orderId: string,
    { instance, journal }: { instance: InstanceRow; journal: JournalEntry[] },
    lastAttempt: boolean,
    deadlineQueued: boolean,
    lock: SagaLock,
  ): Promise<AdvanceVerdict> {
    if (instance.status === 'COMPLETED') {
      await this.lateSignals.handle(orderId);
      return done('already-completed');
    }
    if (instance.status === 'FAILED') return done('already-failed');

    const ctx = new ReplayContext(client, this.tables, orderId, journal, this.activities, lastAttempt, instance.step, lock);
    const run = orderSaga(ctx, instance.input).then(
      (result) => ({ kind: 'returned' as const, result }),
      (error: unknown) => ({ kind: 'threw' as const, error }),
    );
    const outcome = await Promise.race([run, ctx.interrupted]);

    switch (outcome.kind) {
      case 'returned':
        await this.#complete(client, lock, ctx, orderId, outcome.result);
        return done(outcome.result.status);
      case 'suspend':
        // The timer queued with the first job already wakes the saga at its payment deadline.
        if (!deadlineQueued || outcome.deadline.getTime() !== Date.parse(instance.input.paymentDeadline)) {
          await this.queue.wake(orderId, 'deadline', { startAfter: outcome.deadline });
        }
        return done('suspended');
      case 'retry':
        if (!isRetryableError(outcome.error)) return this.#fail(client, lock, ctx, orderId, outcome.error);
        this.logger?.warn('saga advance will be retried', { orderId, error: messageOf(outcome.error) });
        return { status: 'failed', output: { message: messageOf(outcome.error) } };
      case 'diverged':
        return this.#fail(client, lock, ctx, orderId, outcome.error);
      case 'threw':
        // An activity fault the saga did not handle: non-retryable, or transient with retries exhausted.
        return this.#fail(client, lock, ctx, orderId, outcome.error);
    }
  }

  /** Writes the last call's journal entry, if the saga has not written it yet, in the transaction that ends it. */
  async #recordLast(tx: PoolClient, ctx: ReplayContext, orderId: string): Promise<void> {
    const unrecorded = ctx.takeUnrecorded();
    if (unrecorded) await this.tables.append(tx, orderId, unrecorded.entry, unrecorded.step);
  }

  async #complete(client: PoolClient, lock: SagaLock, ctx: ReplayContext, orderId: string, result: OrderSagaResult): Promise<void> {
    const step = ctx.currentStep;
    await this.#finalTransaction(client, lock, async (tx) => {
      await this.tables.instance(tx, orderId, true);
      await this.#recordLast(tx, ctx, orderId);
      const error =
        result.compensationFailures.length > 0 ? `compensation failed: ${result.compensationFailures.join('; ')}` : null;
      await this.tables.complete(tx, orderId, result, step, error);
      // Signals that arrived after the saga drained them: they get the late-signal policy, below.
      await this.tables.markLeftoversLate(tx, orderId);
    });
    await this.lateSignals.handle(orderId);
    this.logger?.info('saga completed', { orderId, status: result.status });
  }

  async #fail(client: PoolClient, lock: SagaLock, ctx: ReplayContext, orderId: string, error: unknown): Promise<AdvanceVerdict> {
    const message = messageOf(error);
    const step = ctx.currentStep;
    await this.#finalTransaction(client, lock, async (tx) => {
      await this.tables.instance(tx, orderId, true);
      await this.#recordLast(tx, ctx, orderId);
      await this.tables.fail(tx, orderId, message, step);
      await this.tables.markLeftoversLate(tx, orderId);
    });
    await this.lateSignals.handle(orderId);
    this.logger?.error('saga failed', { orderId, step, error: message });
    return { status: 'deadletter', output: { message } };
  }

  /**
   * The transaction that ends the saga: the advance's own, still open while it holds the lock as a transaction lock
   * (its commit releases the lock), or one of its own once the lock is the session's (unlocked afterwards).
   */
  async #finalTransaction(client: PoolClient, lock: SagaLock, fn: (tx: PoolClient) => Promise<void>): Promise<void> {
    if (!lock.inTransaction) return withTransaction(client, fn);
    await fn(client);
    await client.query('COMMIT');
    lock.release();
  }

  /**
   * Opens the advance's transaction, tries the saga lock and reads the saga in one message. The read is a statement
   * of its own, so its snapshot is taken after the lock is held and sees everything the previous holder committed
   * (a commit releases the locks it held only after its writes are visible). Without the lock the read is ignored.
   */
  async #lockAndRead(
    client: PoolClient,
    lock: SagaLock,
    orderId: string,
  ): Promise<{ locked: false } | { locked: true; state: { instance: InstanceRow; journal: JournalEntry[] } | null }> {
    // A message of several statements answers with one result per statement: BEGIN, the lock, the read.
    const [, lockResult, readResult] = (await client.query(lock.openSql(this.tables.instanceWithJournalSql(orderId)))) as unknown as QueryResult[];
    if (lockResult?.rows[0]?.locked !== true) return { locked: false };
    return { locked: true, state: this.tables.instanceWithJournalOf(readResult?.rows ?? []) };
  }
}

const messageOf = (error: unknown): string =>
  error instanceof LimitedCartError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
