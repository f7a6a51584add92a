import DataLoader from 'dataloader';
import type { ClientBase, Pool, PoolClient, QueryResultRow } from 'pg';
import { guardClient, ignoreConnectionError } from './connection-errors.js';
import { isConnectionBroken, toError, toLimitedCartError } from './errors.js';

/**
 * Where a statement runs: the pool (each statement its own transaction) or one client, which may be inside a
 * transaction the caller opened. Every store and the outbox accept either, which is how a state change and
 * its event commit together.
 */
export type Executor = Pool | ClientBase;

export const isPool = (executor: Executor): executor is Pool => 'totalCount' in executor;

/** Quotes an identifier; schema names are validated before they get here, this keeps it safe regardless. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Fully qualified table names for one schema, so queries never depend on a connection's search_path. */
export const tableNames = (schema: string) => {
  const q = (table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;
  return {
    schema: quoteIdent(schema),
    products: q('products'),
    customers: q('customers'),
    sessions: q('sessions'),
    sessionRotatedTokens: q('session_rotated_tokens'),
    orders: q('orders'),
    payments: q('payments'),
    idempotencyKeys: q('idempotency_keys'),
    outbox: q('outbox'),
    processedEvents: q('processed_events'),
    consumerOffsets: q('consumer_offsets'),
    stock: q('stock'),
    stockHolds: q('stock_holds'),
    customerSkuCounts: q('customer_sku_counts'),
    restockOps: q('restock_ops'),
    auditLog: q('audit_log'),
    fn: q,
  };
};

export type TableNames = ReturnType<typeof tableNames>;

/** Runs one statement, translating driver errors into `LimitedCartError`s. */
export const query = async <R extends QueryResultRow>(
  executor: Executor,
  what: string,
  text: string,
  values: readonly unknown[] = [],
): Promise<R[]> => {
  try {
    const result = await executor.query<R>(text, values as unknown[]);
    return result.rows;
  } catch (error) {
    throw toLimitedCartError(error, what);
  }
};

/**
 * Checks a client out of the pool, translating a failed connect into `INFRASTRUCTURE`. The client keeps an error
 * listener while it is out (see `guardClient`), whoever created the pool.
 */
export const connect = async (pool: Pool, what: string): Promise<PoolClient> => {
  try {
    return guardClient(await pool.connect(), ignoreConnectionError);
  } catch (error) {
    throw toLimitedCartError(error, what);
  }
};

/**
 * Runs `work` on one pooled client. When it throws, whatever transaction it left open is rolled back (a failed
 * statement leaves an explicit transaction aborted, and the next borrower must not inherit it), and a client whose
 * connection broke is destroyed instead of being returned to the pool. The error passes through untouched.
 */
export const onClient = async <T>(pool: Pool, what: string, work: (client: PoolClient) => Promise<T>): Promise<T> => {
  const client = await connect(pool, what);
  let broken: Error | undefined;
  try {
    return await work(client);
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = toError(rollbackError);
    });
    if (broken === undefined && isConnectionBroken(error)) broken = toError(error);
    throw error;
  } finally {
    client.release(broken);
  }
};

/**
 * Runs `work` on one client inside BEGIN/COMMIT, rolling back on any throw (see `onClient`). The work's own
 * statements throw mapped errors; anything else (a caller's exception) passes through untouched.
 */
export const inTransaction = <T>(pool: Pool, what: string, work: (client: PoolClient) => Promise<T>): Promise<T> =>
  onClient(pool, what, async (client) => {
    await query(client, what, 'BEGIN');
    const result = await work(client);
    await query(client, what, 'COMMIT');
    return result;
  });

/** `bigint` columns arrive as strings (pg avoids silent precision loss); our values fit a safe integer. */
export const toNumber = (value: string | number): number => (typeof value === 'number' ? value : Number(value));

/**
 * DataLoader options for statements shared by the calls of one turn of the event loop: batches are scheduled with
 * `setImmediate`, so they gather the calls of every request resumed in this poll phase, not only this tick's; no
 * cache, as each call must see the table as of its batch.
 */
export const perTurn = (maxBatchSize: number) => ({
  cache: false,
  maxBatchSize,
  batchScheduleFn: (run: () => void) => setImmediate(run),
});

/**
 * Reads of rows by primary key (`id`), the calls of one turn sharing one statement. An authenticated request checks
 * its account and session; during a drop thousands of shoppers arrive at once, each new to this process, and one
 * round trip (and one snapshot) per read was most of what a refused order attempt cost. Nothing is cached.
 */
export const byIdLoader = <Row extends { id: string }>(pool: Pool, what: string, table: string) =>
  new DataLoader<string, Row | undefined>(async (ids) => {
    const rows = await query<Row>(pool, what, `SELECT * FROM ${table} WHERE id = ANY($1::text[])`, [[...new Set(ids)]]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }, perTurn(500));

/**
 * Assigning a transaction id makes this one-statement transaction write a commit record, and a synchronous
 * commit waits until the log is flushed up to that record: everything committed before it is then durable too.
 */
const FLUSH_LOG = 'SELECT pg_current_xact_id()';

/**
 * The end of a write as SQL text: `statements` in a transaction that does not wait for the log flush (its row
 * locks and the NOTIFY queue lock are released at once), then a synchronous flush past it. Sent as one
 * simple-protocol message, the caller's round trip resolves only once its writes are durable, and concurrent
 * writers share their flushes.
 */
export const commitDurably = (statements: readonly string[]): string =>
  ['SET LOCAL synchronous_commit = off', ...statements.filter((s) => s !== ''), 'COMMIT', FLUSH_LOG].join('; ');
