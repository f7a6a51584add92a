import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditEntry } from '../../domain/audit.js';
import type { Customer } from '../../domain/customer.js';
import type { Order } from '../../domain/order.js';
import type { Payment } from '../../domain/payment.js';
import type { Product } from '../../domain/product.js';
import type { Clock } from '../../ports/small-ports.js';
import type { IdempotencyRecord } from '../../ports/stores.js';
import { CommittedOutboxLog, type OutboxLog, StagedOutboxLog } from './outbox-log.js';
import { MapTable, StagedTable, type Table } from './table.js';

/** An audit entry with its place in the log: lists go newest first by it. */
export interface AuditRow extends AuditEntry {
  readonly seq: number;
}

/** The tables a unit of work covers (those of `TransactionalStores`). */
export interface TransactionalTables {
  readonly products: Table<Product>;
  readonly orders: Table<Order>;
  readonly payments: Table<Payment>;
  readonly outbox: OutboxLog;
  readonly audit: Table<AuditRow>;
}

/**
 * What a transactional store runs against: either the committed tables or one transaction's staged view.
 * Every store operation reads and writes synchronously inside `write`, so each operation is atomic.
 */
export interface MemoryScope {
  readonly tables: TransactionalTables;
  readonly clock: Clock;
  /** Runs a synchronous read-modify-write of `tables`; it waits while another unit of work holds the tables. */
  write<T>(mutation: () => T): Promise<T>;
  /** The next audit log position (shared by the database and its transactions, so positions never repeat). */
  nextAuditSeq(): number;
}

interface TransactionFrame {
  readonly database: MemoryDatabase;
  readonly scope: MemoryScope;
}

/** The transaction the current async call chain runs in, if any. */
const currentTransaction = new AsyncLocalStorage<TransactionFrame>();

/** A FIFO async lock: at most one unit of work owns the transactional tables at a time. */
class Lock {
  #tail: Promise<void> = Promise.resolve();
  #held = false;

  get held(): boolean {
    return this.#held;
  }

  async run<T>(critical: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.#held = true;
    try {
      return await critical();
    } finally {
      this.#held = false;
      release();
    }
  }
}

const systemClock: Clock = { now: () => new Date() };

export interface MemoryDatabaseOptions {
  /** Source of createdAt / updatedAt and of outbox lease times. Defaults to the wall clock. */
  readonly clock?: Clock;
}

/**
 * All in-memory store data of one store set.
 *
 * Isolation: a unit of work stages its writes and applies them in one synchronous step on success; while it
 * runs it holds a lock that makes writes to its tables from outside wait, so its conditional updates cannot
 * be invalidated behind its back (what row locks do in Postgres). Readers never wait and see committed rows
 * only. A write issued from inside a unit of work through the non-transactional stores does not wait (that
 * would deadlock) and commits at once; a nested unit of work is a savepoint of the enclosing one.
 */
export class MemoryDatabase implements MemoryScope {
  readonly clock: Clock;
  readonly tables = {
    products: new MapTable<Product>(),
    orders: new MapTable<Order>(),
    payments: new MapTable<Payment>(),
    outbox: new CommittedOutboxLog(),
    audit: new MapTable<AuditRow>(),
  } satisfies TransactionalTables;
  readonly customers = new MapTable<Customer>();
  /** Lower-cased email → customer id. */
  readonly customerEmails = new Map<string, string>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly processedEvents = new Set<string>();
  readonly #lock = new Lock();
  #auditSeq = 0;

  constructor(options: MemoryDatabaseOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  nextAuditSeq(): number {
    this.#auditSeq += 1;
    return this.#auditSeq;
  }

  async write<T>(mutation: () => T): Promise<T> {
    if (!this.#lock.held || currentTransaction.getStore()?.database === this) return mutation();
    return this.#lock.run(async () => mutation());
  }

  /** Runs `work` against staged tables; commits them if it resolves, discards them if it throws. */
  async transaction<T>(work: (scope: MemoryScope) => Promise<T>): Promise<T> {
    const enclosing = currentTransaction.getStore();
    if (enclosing?.database === this) return this.#stage(enclosing.scope.tables, work);
    return this.#lock.run(() => this.#stage(this.tables, work));
  }

  async #stage<T>(parent: TransactionalTables, work: (scope: MemoryScope) => Promise<T>): Promise<T> {
    const staged = {
      products: new StagedTable(parent.products),
      orders: new StagedTable(parent.orders),
      payments: new StagedTable(parent.payments),
      outbox: new StagedOutboxLog(parent.outbox),
      audit: new StagedTable(parent.audit),
    };
    const scope: MemoryScope = {
      tables: staged,
      clock: this.clock,
      write: async (mutation) => mutation(),
      nextAuditSeq: () => this.nextAuditSeq(),
    };
    const result = await currentTransaction.run({ database: this, scope }, () => work(scope));
    // Synchronous: no other operation can observe a half-applied commit.
    staged.products.commit();
    staged.orders.commit();
    staged.payments.commit();
    staged.outbox.commit();
    staged.audit.commit();
    return result;
  }
}
