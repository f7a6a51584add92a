import { escapeLiteral } from 'pg';

/**
 * How an advance holds its saga's advisory lock on its connection.
 *
 * An advance starts in a transaction of its own that holds a transaction-level lock (`transaction`): it reads, runs
 * activities on other connections, and, when it suspends or ends, writes and commits; the commit releases the lock
 * after its writes are visible, so the next holder reads them. Until that commit the transaction has only read
 * (advisory locks take no transaction id), so it holds back neither vacuum nor the outbox relay's settled horizon.
 * An advance that must commit before it is done (a journal entry written before the next activity, a signal taken
 * while the saga goes on) first takes the session-level lock of the same key, which outlives that commit
 * (`session`), and releases it after its last commit, as its own statement.
 *
 * Against a session lock for the whole advance, a saga that suspends in its first transaction commits once instead
 * of three times (lock and read, the suspension, the unlock).
 */
export class SagaLock {
  #mode: 'transaction' | 'session' | 'released' = 'transaction';

  constructor(private readonly key: string) {}

  /** The message that opens the advance: BEGIN, the lock attempt (`locked`), then `readSql` in the same transaction. */
  openSql(readSql: string): string {
    return `BEGIN; SELECT pg_try_advisory_xact_lock(${this.#id()}) AS locked; ${readSql}`;
  }

  /** True while the advance's own transaction is open (BEGIN is already sent). */
  get inTransaction(): boolean {
    return this.#mode === 'transaction';
  }

  get released(): boolean {
    return this.#mode === 'released';
  }

  /**
   * Statements to send before a COMMIT after which the advance goes on: they keep the lock past that commit. From
   * here the lock counts as the session's, even if that message fails: a session lock taken in a transaction that
   * rolls back is still held, so the advance must unlock it.
   */
  keepPastCommitSql(): string[] {
    if (this.#mode !== 'transaction') return [];
    this.#mode = 'session';
    return [`SELECT pg_advisory_lock(${this.#id()})`];
  }

  /**
   * Statements to send after the COMMIT that ends the advance's work on the saga: none while the lock is the
   * transaction's (the commit releases it), the unlock once it is the session's.
   */
  releaseAfterCommitSql(): string[] {
    return this.#mode === 'session' ? [this.#unlockSql()] : [];
  }

  /**
   * What ends an advance whose lock no commit released (a busy, ended or failed advance): the rollback of its
   * transaction (which releases a transaction lock), or the unlock of a session lock. Never sent inside a failed
   * transaction in session mode: whatever failed there rolled it back.
   */
  abandonSql(): string {
    return this.#mode === 'transaction' ? 'ROLLBACK' : this.#unlockSql();
  }

  /** After a commit sent with `releaseAfterCommitSql()`, or `abandonSql()`. */
  release(): void {
    this.#mode = 'released';
  }

  #id(): string {
    return `hashtextextended(${escapeLiteral(this.key)}, 0)`;
  }

  #unlockSql(): string {
    return `SELECT pg_advisory_unlock(${this.#id()})`;
  }
}
