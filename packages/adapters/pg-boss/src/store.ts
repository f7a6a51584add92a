import type { OrderSagaInput, SagaSignal, SagaStatus, TerminalOrderStatus } from '@limitedcart/core';
import type { OrderSagaResult } from '@limitedcart/core/saga';
import { escapeLiteral, type Pool, type PoolClient } from 'pg';
import { prepared } from './prepared.js';

/** A pool or a checked-out client: everything here runs on either. */
export type Queryable = Pick<Pool | PoolClient, 'query'>;

export interface InstanceRow {
  readonly orderId: string;
  readonly input: OrderSagaInput;
  readonly status: SagaStatus;
  readonly step: string;
  readonly outcome: TerminalOrderStatus | null;
  readonly result: OrderSagaResult | null;
  readonly error: string | null;
}

export type JournalKind = 'activity' | 'signal' | 'drain';

export interface JournalEntry {
  readonly seq: number;
  readonly kind: JournalKind;
  readonly payload: JournalPayload;
}

/** What each kind stores: an activity's value or its final error, a signal (null: deadline), drained signals. */
export type JournalPayload =
  | { readonly name: string; readonly args: readonly unknown[]; readonly value: unknown }
  | {
      readonly name: string;
      readonly args: readonly unknown[];
      readonly error: { readonly message: string; readonly code: string | null };
    }
  | { readonly signal: SagaSignal | null }
  | { readonly signals: readonly SagaSignal[] };

export interface PendingSignal {
  readonly signalId: string;
  readonly body: SagaSignal;
}

/** The SQL of the saga tables in one schema. Callers choose the connection (and so the transaction). */
export class SagaTables {
  readonly #s: string;

  constructor(schema: string) {
    this.#s = `"${schema}"`;
  }

  #query(q: Queryable, text: string, values: readonly unknown[]) {
    return q.query(prepared(text, values));
  }

  /** The order ids of `inputs` whose instance this call inserted (the others already existed). */
  async insertInstances(q: Queryable, inputs: readonly OrderSagaInput[]): Promise<Set<string>> {
    const { rows } = await this.#query(q, 
      `INSERT INTO ${this.#s}.saga_instances (order_id, input)
       SELECT order_id, input FROM unnest($1::text[], $2::jsonb[]) AS i (order_id, input)
       ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [inputs.map((input) => input.orderId), inputs.map((input) => JSON.stringify(input))],
    );
    return new Set(rows.map((row) => row.order_id as string));
  }

  /** `lock` takes the row lock that serialises signal delivery with the saga's own reads of signals. */
  async instance(q: Queryable, orderId: string, lock = false): Promise<InstanceRow | null> {
    const { rows } = await this.#query(q, 
      `SELECT order_id, input, status, step, outcome, result, error FROM ${this.#s}.saga_instances
       WHERE order_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [orderId],
    );
    const row = rows[0];
    return row ? toInstance(row) : null;
  }

  /** The instances of `orderIds` that exist, by order id, in one statement. */
  async instances(q: Queryable, orderIds: readonly string[]): Promise<Map<string, InstanceRow>> {
    const { rows } = await this.#query(q,
      `SELECT order_id, input, status, step, outcome, result, error FROM ${this.#s}.saga_instances
       WHERE order_id = ANY($1::text[])`,
      [orderIds],
    );
    return new Map(rows.map((row) => [row.order_id as string, toInstance(row)]));
  }

  /**
   * The instance and its journal as of one snapshot: what an advance starts from. Text with escaped literals, so
   * it can share a message with the saga lock; read its row with `instanceWithJournalOf`.
   */
  instanceWithJournalSql(orderId: string): string {
    return `SELECT i.order_id, i.input, i.status, i.step, i.outcome, i.result, i.error,
         COALESCE((SELECT json_agg(json_build_object('seq', j.seq, 'kind', j.kind, 'payload', j.payload) ORDER BY j.seq)
                   FROM ${this.#s}.saga_journal j WHERE j.order_id = i.order_id), '[]') AS journal
       FROM ${this.#s}.saga_instances i WHERE i.order_id = ${escapeLiteral(orderId)}`;
  }

  instanceWithJournalOf(rows: readonly Record<string, unknown>[]): { instance: InstanceRow; journal: JournalEntry[] } | null {
    const row = rows[0];
    if (!row) return null;
    return { instance: toInstance(row as unknown as InstanceDbRow), journal: row.journal as JournalEntry[] };
  }

  /**
   * Appends one entry and records the step, in one statement (so in one round trip, and atomically even outside a
   * transaction); fails on a duplicate seq (two writers would be a defect) and then records nothing.
   */
  async append(q: Queryable, orderId: string, entry: JournalEntry, step: string): Promise<void> {
    await this.#query(q, 
      `WITH entry AS (INSERT INTO ${this.#s}.saga_journal (order_id, seq, kind, payload) VALUES ($1, $2, $3, $4))
       ${this.#setStepSql('$1', '$5')}`,
      [orderId, entry.seq, entry.kind, JSON.stringify(entry.payload), step],
    );
  }

  /** `append` as text for `inLockedTransaction`. */
  appendSql(orderId: string, entry: JournalEntry, step: string): string {
    if (!Number.isSafeInteger(entry.seq)) throw new TypeError(`journal seq ${entry.seq}`);
    const id = escapeLiteral(orderId);
    return `WITH entry AS (INSERT INTO ${this.#s}.saga_journal (order_id, seq, kind, payload)
       VALUES (${id}, ${entry.seq}, ${escapeLiteral(entry.kind)}, ${escapeLiteral(JSON.stringify(entry.payload))}::jsonb))
       ${this.#setStepSql(id, escapeLiteral(step))}`;
  }

  /**
   * The oldest unconsumed signal (if any) and whether the database clock has reached `deadline`, in one read, as
   * text for `inLockedTransaction`; read its row with `nextSignalOf`.
   */
  nextSignalOrDeadlineSql(orderId: string, deadline: Date): string {
    return `SELECT now() >= ${escapeLiteral(deadline.toISOString())}::timestamptz AS passed, s.signal_id, s.body
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (
         SELECT signal_id, body FROM ${this.#s}.saga_signals
         WHERE order_id = ${escapeLiteral(orderId)} AND consumed_at IS NULL AND NOT late ORDER BY received_seq LIMIT 1) AS s ON true`;
  }

  nextSignalOf(rows: readonly Record<string, unknown>[]): { next: PendingSignal | null; passed: boolean } {
    const row = rows[0];
    return {
      next: row?.signal_id ? { signalId: row.signal_id as string, body: row.body as SagaSignal } : null,
      passed: row?.passed === true,
    };
  }

  /** Unconsumed signals in arrival order, as text for `inLockedTransaction`; read its rows with `pendingOf`. */
  pendingSignalsSql(orderId: string): string {
    return `SELECT signal_id, body FROM ${this.#s}.saga_signals
       WHERE order_id = ${escapeLiteral(orderId)} AND consumed_at IS NULL AND NOT late ORDER BY received_seq`;
  }

  pendingOf(rows: readonly Record<string, unknown>[]): PendingSignal[] {
    return rows.map((row) => ({ signalId: row.signal_id as string, body: row.body as SagaSignal }));
  }

  /** Locks the instance row (see `instance`), as text for `inLockedTransaction`. */
  lockInstanceSql(orderId: string): string {
    return `SELECT 1 FROM ${this.#s}.saga_instances WHERE order_id = ${escapeLiteral(orderId)} FOR UPDATE`;
  }

  /** `setStep` as text for `inLockedTransaction`. */
  setStepSql(orderId: string, step: string): string {
    return this.#setStepSql(escapeLiteral(orderId), escapeLiteral(step));
  }

  /** `markConsumed` as text for `inLockedTransaction`. */
  markConsumedSql(orderId: string, signalIds: readonly string[], journalSeq: number): string {
    if (!Number.isSafeInteger(journalSeq)) throw new TypeError(`journal seq ${journalSeq}`);
    return `UPDATE ${this.#s}.saga_signals SET consumed_at = now(), journal_seq = ${journalSeq}
       WHERE order_id = ${escapeLiteral(orderId)} AND signal_id = ANY(ARRAY[${signalIds.map(escapeLiteral).join(', ')}]::text[])`;
  }

  #setStepSql(orderId: string, step: string): string {
    return `UPDATE ${this.#s}.saga_instances SET step = ${step}, version = version + 1, updated_at = now()
       WHERE order_id = ${orderId} AND status = 'RUNNING' AND step IS DISTINCT FROM ${step}`;
  }

  /** true when this signal id was new for the order. */
  async insertSignal(q: Queryable, orderId: string, signalId: string, body: SagaSignal, late: boolean): Promise<boolean> {
    const { rowCount } = await this.#query(q, 
      `INSERT INTO ${this.#s}.saga_signals (order_id, signal_id, body, late) VALUES ($1, $2, $3, $4)
       ON CONFLICT (order_id, signal_id) DO NOTHING`,
      [orderId, signalId, JSON.stringify(body), late],
    );
    return rowCount === 1;
  }

  /** Signals that reached a RUNNING saga too late to be consumed by it: handed to the late-signal policy. */
  async markLeftoversLate(q: Queryable, orderId: string): Promise<number> {
    const { rowCount } = await this.#query(q, 
      `UPDATE ${this.#s}.saga_signals SET late = true WHERE order_id = $1 AND consumed_at IS NULL AND NOT late`,
      [orderId],
    );
    return rowCount ?? 0;
  }

  /** Late signals not yet handled, locked so one handler at a time applies each. */
  async lockUnhandledLate(q: Queryable, orderId: string): Promise<PendingSignal[]> {
    const { rows } = await this.#query(q, 
      `SELECT signal_id, body FROM ${this.#s}.saga_signals
       WHERE order_id = $1 AND late AND late_handled_at IS NULL
       ORDER BY received_seq FOR UPDATE`,
      [orderId],
    );
    return rows.map((row) => ({ signalId: row.signal_id, body: row.body }));
  }

  async markLateHandled(q: Queryable, orderId: string, signalId: string): Promise<void> {
    await this.#query(q, 
      `UPDATE ${this.#s}.saga_signals SET late_handled_at = now() WHERE order_id = $1 AND signal_id = $2`,
      [orderId, signalId],
    );
  }

  /** `error` reports compensations that failed although the order ended. */
  async complete(q: Queryable, orderId: string, result: OrderSagaResult, step: string, error: string | null): Promise<void> {
    await this.#query(q, 
      `UPDATE ${this.#s}.saga_instances
       SET status = 'COMPLETED', outcome = $2, result = $3, step = $4, error = $5, version = version + 1, updated_at = now()
       WHERE order_id = $1 AND status = 'RUNNING'`,
      [orderId, result.status, JSON.stringify(result), step, error],
    );
  }

  async fail(q: Queryable, orderId: string, error: string, step: string): Promise<void> {
    await this.#query(q, 
      `UPDATE ${this.#s}.saga_instances
       SET status = 'FAILED', error = $2, step = $3, version = version + 1, updated_at = now()
       WHERE order_id = $1 AND status = 'RUNNING'`,
      [orderId, error, step],
    );
  }
}

interface InstanceDbRow {
  order_id: string;
  input: OrderSagaInput;
  status: SagaStatus;
  step: string;
  outcome: TerminalOrderStatus | null;
  result: OrderSagaResult | null;
  error: string | null;
}

const toInstance = (row: InstanceDbRow): InstanceRow => ({
  orderId: row.order_id,
  input: row.input,
  status: row.status,
  step: row.step,
  outcome: row.outcome,
  result: row.result,
  error: row.error,
});
