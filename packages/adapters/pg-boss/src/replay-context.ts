import { LimitedCartError } from '@limitedcart/core';
import { isRetryableError } from '@limitedcart/core/saga';
import type { LimitedCartErrorCode, SagaSignal } from '@limitedcart/core';
import type { OrderSagaActivities, SagaContext } from '@limitedcart/core/saga';
import type { PoolClient } from 'pg';
import { inLockedTransaction } from './db.js';
import type { SagaLock } from './saga-lock.js';
import type { JournalEntry, JournalKind, JournalPayload, SagaTables } from './store.js';

/** Why an advance stopped before the saga returned. */
export type Interruption =
  /** Waiting for a signal or the deadline: nothing more can happen until a wake-up. */
  | { readonly kind: 'suspend'; readonly deadline: Date }
  /** A transient fault (activity or journal write): the job fails and pg-boss retries it with backoff. */
  | { readonly kind: 'retry'; readonly error: unknown }
  /** The saga took a different path than its journal records: a defect, never retried. */
  | { readonly kind: 'diverged'; readonly error: LimitedCartError };

/**
 * A `SagaContext` that makes `orderSaga` durable by journal replay. The n-th durable call returns the n-th
 * journal entry when there is one; past the end of the journal it does the work for real and records the
 * result with the next durable call (in the same message as that call's own statements, or in the
 * transaction that ends the saga), so a crash at any point re-runs at most the one call whose result was not
 * yet recorded (activities are idempotent, so that is safe).
 *
 * Control flow that must not reach the saga (suspension, transient faults) is not thrown into it: the saga
 * catches errors while unwinding compensations, and a caught "suspend" would be read as a failed undo.
 * Instead the call settles `interrupted` and never returns; the driver races the saga against it and
 * drops the stalled saga.
 */
export class ReplayContext implements SagaContext {
  readonly interrupted: Promise<Interruption>;
  #interrupt!: (interruption: Interruption) => void;
  #cursor = 0;
  #step: string;
  /** The last real call's entry until it is written (see the class comment). */
  #unrecorded: { readonly entry: JournalEntry; readonly step: string } | undefined;

  constructor(
    private readonly client: PoolClient,
    private readonly tables: SagaTables,
    private readonly orderId: string,
    private readonly journal: readonly JournalEntry[],
    private readonly activities: OrderSagaActivities,
    /** On the last attempt a transient fault is handed to the saga instead of retried again. */
    private readonly lastAttempt: boolean,
    initialStep: string,
    /** The advance's saga lock: released by the commit that suspends the saga, kept past commits after which it goes on. */
    private readonly lock?: SagaLock,
  ) {
    this.#step = initialStep;
    this.interrupted = new Promise((resolve) => {
      this.#interrupt = resolve;
    });
  }

  get currentStep(): string {
    return this.#step;
  }

  /** The entry not yet written, for the transaction that ends the saga; it is then the caller's to write. */
  takeUnrecorded(): { readonly entry: JournalEntry; readonly step: string } | undefined {
    const unrecorded = this.#unrecorded;
    this.#unrecorded = undefined;
    return unrecorded;
  }

  step(name: string): void {
    this.#step = name;
  }

  async activity<K extends keyof OrderSagaActivities>(
    name: K,
    ...args: Parameters<OrderSagaActivities[K]>
  ): Promise<Awaited<ReturnType<OrderSagaActivities[K]>>> {
    type Result = Awaited<ReturnType<OrderSagaActivities[K]>>;
    const seq = this.#cursor++;
    const recorded = this.#replay(seq, 'activity', name, args);
    if (recorded === DIVERGED) return stalled();
    if (recorded) {
      if ('error' in recorded) throw rebuildError(recorded.error);
      if ('value' in recorded) return (recorded.value ?? undefined) as Result;
    }
    // The previous call's entry is written before this call runs: never two unrecorded calls.
    await this.#writeUnrecorded();
    const run = this.activities[name] as (...a: Parameters<OrderSagaActivities[K]>) => Promise<Result>;
    let value: Result;
    try {
      value = await run.apply(this.activities, args);
    } catch (error) {
      if (isRetryableError(error) && !this.lastAttempt) return this.#halt({ kind: 'retry', error });
      // Recorded so a replay throws the same error without running the activity again.
      this.#defer(seq, 'activity', { name, args, error: describeError(error) });
      throw error;
    }
    this.#defer(seq, 'activity', { name, args, value: value ?? null });
    return value;
  }

  /**
   * A change marker in the journal, recorded as an activity entry named `patched:<changeId>` (no new journal kind, so
   * journals written before markers existed stay valid). A journal that already holds another entry at this point was
   * written by the earlier saga code: false, and the cursor stays for that entry. Past the end of the journal the
   * marker is recorded with the next durable call: true.
   */
  async patched(changeId: string): Promise<boolean> {
    const name = `patched:${changeId}`;
    const entry = this.journal[this.#cursor];
    if (entry !== undefined) {
      const marked = entry.kind === 'activity' && 'name' in entry.payload && entry.payload.name === name;
      if (marked) this.#cursor += 1;
      return marked;
    }
    await this.#writeUnrecorded();
    this.#defer(this.#cursor++, 'activity', { name, args: [], value: true });
    return true;
  }

  async nextSignal(deadline: Date): Promise<SagaSignal | null> {
    const seq = this.#cursor++;
    const recorded = this.#replay(seq, 'signal');
    if (recorded === DIVERGED) return stalled();
    if (recorded && 'signal' in recorded) return recorded.signal;
    const { orderId, tables } = this;
    let taken: { signal: SagaSignal | null } | undefined;
    try {
      // The instance lock orders this read with `signal()` and with completion.
      const opening = [tables.lockInstanceSql(orderId), ...this.#unrecordedSql(), tables.nextSignalOrDeadlineSql(orderId, deadline)];
      const begun = this.lock?.inTransaction ?? false;
      const keep = () => this.lock?.keepPastCommitSql() ?? [];
      taken = await inLockedTransaction<{ signal: SagaSignal | null } | undefined>(
        this.client,
        opening,
        (rows) => {
          const { next, passed } = tables.nextSignalOf(rows);
          if (next) {
            const entry = tables.appendSql(orderId, { seq, kind: 'signal', payload: { signal: next.body } }, this.#step);
            return { result: { signal: next.body }, finalSql: [entry, tables.markConsumedSql(orderId, [next.signalId], seq), ...keep()] };
          }
          if (passed) {
            return { result: { signal: null }, finalSql: [tables.appendSql(orderId, { seq, kind: 'signal', payload: { signal: null } }, this.#step), ...keep()] };
          }
          // Nothing to do until a wake-up: the saga lock can go with the commit.
          return { result: undefined, finalSql: [tables.setStepSql(orderId, this.#step)], afterCommitSql: this.lock?.releaseAfterCommitSql() ?? [] };
        },
        { begun },
      );
    } catch (error) {
      return this.#halt({ kind: 'retry', error });
    }
    if (taken) return taken.signal;
    this.lock?.release();
    return this.#halt({ kind: 'suspend', deadline });
  }

  async drainSignals(): Promise<readonly SagaSignal[]> {
    const seq = this.#cursor++;
    const recorded = this.#replay(seq, 'drain');
    if (recorded === DIVERGED) return stalled();
    if (recorded && 'signals' in recorded) return recorded.signals;
    const { orderId, tables } = this;
    try {
      const opening = [tables.lockInstanceSql(orderId), ...this.#unrecordedSql(), tables.pendingSignalsSql(orderId)];
      const begun = this.lock?.inTransaction ?? false;
      const signals = await inLockedTransaction(
        this.client,
        opening,
        (rows) => {
          const pending = tables.pendingOf(rows);
          const signals = pending.map((p) => p.body);
          const entry = tables.appendSql(orderId, { seq, kind: 'drain', payload: { signals } }, this.#step);
          return { result: signals, finalSql: [entry, tables.markConsumedSql(orderId, pending.map((p) => p.signalId), seq), ...(this.lock?.keepPastCommitSql() ?? [])] };
        },
        { begun },
      );
      return signals;
    } catch (error) {
      return this.#halt({ kind: 'retry', error });
    }
  }

  /** The journal entry for this call, checked against what the saga is asking for. */
  #replay(seq: number, kind: JournalKind, name?: string, args?: readonly unknown[]): JournalPayload | typeof DIVERGED | undefined {
    const entry = this.journal[seq];
    if (!entry) return undefined;
    const recordedName = 'name' in entry.payload ? entry.payload.name : undefined;
    const recordedArgs = 'args' in entry.payload ? JSON.stringify(entry.payload.args) : undefined;
    if (entry.kind !== kind || recordedName !== name || recordedArgs !== (args && JSON.stringify(args))) {
      const error = new LimitedCartError(
        'INTERNAL',
        `saga ${this.orderId} diverged from its journal at #${seq}: recorded ${entry.kind} ${recordedName ?? ''}, replayed ${kind} ${name ?? ''}`.trim(),
      );
      this.#interrupt({ kind: 'diverged', error });
      return DIVERGED;
    }
    return entry.payload;
  }

  #defer(seq: number, kind: JournalKind, payload: JournalPayload): void {
    this.#unrecorded = { entry: { seq, kind, payload }, step: this.#step };
  }

  /** The unrecorded entry as statements for a locked transaction's opening message (taken: that message writes it). */
  #unrecordedSql(): string[] {
    const unrecorded = this.takeUnrecorded();
    return unrecorded ? [this.tables.appendSql(this.orderId, unrecorded.entry, unrecorded.step)] : [];
  }

  async #writeUnrecorded(): Promise<void> {
    const unrecorded = this.takeUnrecorded();
    if (!unrecorded) return;
    try {
      if (this.lock?.inTransaction) {
        // The advance goes on after this commit: the saga lock must outlive it.
        const keep = this.lock.keepPastCommitSql();
        await this.client
          .query([...keep, this.tables.appendSql(this.orderId, unrecorded.entry, unrecorded.step), 'COMMIT'].join('; '))
          .catch(async (error: unknown) => {
            await this.client.query('ROLLBACK').catch(() => undefined);
            throw error;
          });
      } else {
        await this.tables.append(this.client, this.orderId, unrecorded.entry, unrecorded.step);
      }
    } catch (error) {
      return this.#halt({ kind: 'retry', error });
    }
  }

  /** Stops the saga here: resolves `interrupted` and returns a promise that never settles. */
  #halt(interruption: Interruption): Promise<never> {
    this.#interrupt(interruption);
    return stalled();
  }
}

const DIVERGED = Symbol('diverged');

/** A promise that never settles: the saga waiting on it is abandoned and garbage-collected. */
const stalled = (): Promise<never> => new Promise<never>(() => undefined);

const ERROR_CODES = new Set<string>([
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'ILLEGAL_TRANSITION',
  'IDEMPOTENCY_MISMATCH',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'INFRASTRUCTURE',
  'TIMEOUT',
  'INTERNAL',
]);

function describeError(error: unknown): { message: string; code: string | null } {
  if (error instanceof LimitedCartError) return { message: error.message, code: error.code };
  return { message: error instanceof Error ? error.message : String(error), code: null };
}

function rebuildError({ message, code }: { message: string; code: string | null }): Error {
  return code !== null && ERROR_CODES.has(code) ? new LimitedCartError(code as LimitedCartErrorCode, message) : new Error(message);
}
