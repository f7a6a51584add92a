import { LimitedCartError } from '@limitedcart/core';
import type { Client, Pool } from 'pg';

/** Schema every LimitedCart table lives in unless told otherwise. */
export const DEFAULT_SCHEMA = 'limitedcart';

/**
 * Schema names end up in identifiers (`"schema".orders`) and NOTIFY channel names (max 63 bytes), so they are
 * restricted to lower-case identifiers short enough to leave room for a suffix.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export const resolveSchema = (schema: string | undefined): string => {
  const name = schema ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME.test(name)) {
    throw new LimitedCartError('VALIDATION', `invalid schema name "${name}": use [a-z_][a-z0-9_]*, at most 48 characters`);
  }
  return name;
};

/** Where the adapter finds its tables: a pool the caller owns and the schema the migrations created. */
export interface PostgresTarget {
  /** A `pg` pool owned by the caller: the adapter never ends it. */
  readonly pool: Pool;
  /** Defaults to `limitedcart`. */
  readonly schema?: string;
}

export type PostgresStoresOptions = PostgresTarget;

export interface PostgresStockGateOptions extends PostgresTarget {
  /**
   * How long a gate call waits for a row lock (the hot SKU row, a customer's counter) before giving up with
   * `LimitedCartError('TIMEOUT')`, so a stalled holder cannot pile up every pooled connection. Default 2000.
   */
  readonly lockTimeoutMs?: number;
  /** Upper bound for any statement of a gate call; exceeding it is `TIMEOUT`. Default 5000. */
  readonly statementTimeoutMs?: number;
  /**
   * `false` commits reservations with `synchronous_commit = off`: roughly twice the reservations per second on
   * a hot SKU. Safe when, as in the order flow, the caller then writes the order row to the same database
   * with a normal commit: that commit flushes the write-ahead log up to and including the reservation, so a
   * crash can only forget reservations nobody was told about yet. Commit, release and restock always commit
   * durably. Default `true`.
   */
  readonly durableReservations?: boolean;
  /**
   * Most reservations decided by one statement: concurrent `reserve` calls are grouped (see `gate_reserve_many`).
   * Default 100; 1 decides each reservation on its own.
   */
  readonly reserveBatchSize?: number;
  /** Holds released per round of `expire`; the sweep loops until none are due. Default 500. */
  readonly expiryBatchSize?: number;
}

export interface PostgresEventBusOptions extends PostgresTarget {
  /**
   * Opens the dedicated connection that LISTENs for outbox wake-ups; the bus connects and reconnects it itself.
   * Defaults to a `pg.Client` on `listenUrl`, else on the pool's connection settings. Behind a transaction-mode
   * pooler (PgBouncer) LISTEN needs a direct connection: give its URL here.
   */
  readonly listenClient?: () => Client;
  readonly listenUrl?: string;
  /** Fallback poll when no NOTIFY arrives (lost connection, missed wake-up). Default 500 ms. */
  readonly pollIntervalMs?: number;
  /** Events fetched per round per subscription. Default 100. */
  readonly batchSize?: number;
  /**
   * Aggregates of one batch whose events are handled side by side; an aggregate's own events are always handled
   * one at a time, in order. Default 32; 1 handles the whole batch one event at a time.
   */
  readonly handlerConcurrency?: number;
  /**
   * How long a member owns a (group, topic) after its last heartbeat. Another member of the group takes over
   * once it lapses (e.g. the owner's process died). Default 30 000 ms.
   */
  readonly leaseMs?: number;
  /** Backoff after a handler throws: first delay, doubled per consecutive failure up to `retryMaxDelayMs`. */
  readonly retryInitialDelayMs?: number;
  readonly retryMaxDelayMs?: number;
  /**
   * Where a group that has no stored offset starts: the beginning of the log (default, so nothing published
   * before the first subscriber is lost) or after the newest event.
   */
  readonly startFrom?: 'beginning' | 'latest';
  /** Receives faults the bus recovers from (handler errors, lost LISTEN connection). Default: ignored. */
  readonly onError?: (error: unknown, context: { readonly topic?: string; readonly group?: string }) => void;
}

export interface MigrateOptions {
  /** Connection string; used when no pool is given. */
  readonly databaseUrl?: string;
  /** A pool to borrow one connection from for the migration. */
  readonly pool?: Pool;
  /** Defaults to `limitedcart`; created when missing. */
  readonly schema?: string;
  /** Receives the migration tool's progress lines. Default: silent. */
  readonly log?: (message: string) => void;
}

export interface CreatePoolOptions {
  readonly databaseUrl: string;
  /** Defaults to `limitedcart`; set as each connection's `search_path`. */
  readonly schema?: string;
  /** Pool size. Default 10. */
  readonly max?: number;
  /** Fails `connect` after this long instead of queueing forever. Default 10 000 ms. */
  readonly connectionTimeoutMs?: number;
  /**
   * Hears connections that dropped while no statement was waiting on them (the pool discards them). They never end
   * the process; the default ignores them, as the next statement on such a connection reports the fault anyway.
   */
  readonly onConnectionError?: (error: Error) => void;
}

export interface EmbeddedPostgresOptions {
  /** Data folder; initialised on the first start and reused afterwards. Every parent must be traversable. */
  readonly dataDir: string;
  /** Default 5433 (5432 is usually a system Postgres). */
  readonly port?: number;
  /** Default `postgres`. */
  readonly user?: string;
  /**
   * Password of `user`. Default `postgres`, which anyone on the machine can guess: give a generated one for
   * anything but throwaway data (the reference server generates one and keeps it with its other secrets).
   */
  readonly password?: string;
  /**
   * The password the data folder was initialised with, when it may differ from `password` (a folder made before a
   * password was configured, with the old default `postgres`). Tried only if `password` is refused; the server's
   * password is then changed to `password`, so the old one stops working.
   */
  readonly previousPassword?: string;
  /** Receives the server's log lines. Default: kept in memory for error messages only. */
  readonly onLog?: (message: string) => void;
}
