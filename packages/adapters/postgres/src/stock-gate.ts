import { type HoldExtension, type HoldState, type HoldTransition, LimitedCartError, type ReserveRequest, type ReserveResult, type RestockResult, type StockGate, type StockLedgerReader, type StockSnapshot } from '@limitedcart/core';
import DataLoader from 'dataloader';
import { escapeLiteral, type QueryResult } from 'pg';
import { toLimitedCartError } from './errors.js';
import { checkId, checkQuantity, checkReserveRequest } from './gate-input.js';
import { createPostgresLedgerReader } from './ledger-reader.js';
import { checkPositiveInteger } from './option-checks.js';
import { type PostgresStockGateOptions, resolveSchema } from './options.js';
import { perTurn, query, tableNames, toNumber } from './sql.js';

/** A gate function argument: text, an integer, a timestamp, JSON or null. */
type SqlValue = string | { readonly int: number } | { readonly json: unknown } | Date | null;

interface GateReply<Outcome = string> {
  readonly outcome: Outcome;
  /** Rows of the statement run after the gate function in the same transaction, if any. */
  readonly rows: readonly Record<string, unknown>[];
}

/** Renders a validated value as an SQL literal for the one-message gate call. */
const literal = (value: SqlValue): string => {
  if (value === null) return 'NULL';
  if (value instanceof Date) return `${escapeLiteral(value.toISOString())}::timestamptz`;
  if (typeof value === 'string') return `${escapeLiteral(value)}::text`;
  if ('json' in value) return `${escapeLiteral(JSON.stringify(value.json))}::jsonb`;
  if (!Number.isSafeInteger(value.int)) throw new LimitedCartError('INTERNAL', `not an integer: ${value.int}`);
  return `${value.int}::integer`;
};

/** The counters are bigint (migration 0008), which pg returns as strings; a CHECK keeps them exact as numbers. */
interface StockRow {
  sku: string;
  available: number | string;
  held: number | string;
  sold: number | string;
  restocked_total: number | string;
}

const toSnapshot = (row: StockRow): StockSnapshot => ({
  sku: row.sku,
  available: toNumber(row.available),
  held: toNumber(row.held),
  sold: toNumber(row.sold),
  restockedTotal: toNumber(row.restocked_total),
});

const isOutcomeList =
  (length: number) =>
  (value: unknown): value is string[] =>
    Array.isArray(value) && value.length === length && value.every((item) => typeof item === 'string');

/** The Postgres gate is a ledger: a faster tier in front of it (the Redis gate) reads it to reconcile. */
export type PostgresStockGate = StockGate & StockLedgerReader;

/**
 * The inventory gate on Postgres. Each operation is one transaction around one server-side function
 * (`gate_*` in the migrations): the reservation is the conditional `UPDATE stock ... WHERE available >= qty`
 * guarded by `CHECK (available >= 0)`, the hold row's primary key makes it idempotent per order id, and the
 * customer's counter row is locked in the same transaction, so the limit is exact under concurrency.
 * `lock_timeout` and `statement_timeout` are set per transaction: a stalled hot row yields `TIMEOUT` instead of
 * queueing every pooled connection behind it.
 *
 * `expire()` releases the holds due by the database's clock (`now()`), whatever the clock of the process calling it.
 */
export const createPostgresStockGate = (options: PostgresStockGateOptions): PostgresStockGate => {
  const schema = resolveSchema(options.schema);
  const t = tableNames(schema);
  const { pool } = options;
  const lockTimeoutMs = checkPositiveInteger('lockTimeoutMs', options.lockTimeoutMs ?? 2_000);
  const statementTimeoutMs = checkPositiveInteger('statementTimeoutMs', options.statementTimeoutMs ?? 5_000);
  const batchSize = checkPositiveInteger('expiryBatchSize', options.expiryBatchSize ?? 500);
  const reserveBatchSize = checkPositiveInteger('reserveBatchSize', options.reserveBatchSize ?? 100);
  // Both values are validated integers, so inlining them is safe; SET cannot take bind parameters.
  const timeouts = `SET LOCAL lock_timeout = ${lockTimeoutMs}; SET LOCAL statement_timeout = ${statementTimeoutMs}`;
  const reserveSettings = `${timeouts}; SET LOCAL synchronous_commit = ${options.durableReservations === false ? 'off' : 'on'}`;

  /**
   * Hold states asked for in one turn share one statement: the sagas of a drop's orders start side by side, and each
   * start looks at its hold first.
   */
  const holdStates = new DataLoader<string, HoldState | null>(async (orderIds) => {
    const rows = await query<{ order_id: string; state: HoldState }>(
      pool,
      'read hold states',
      `SELECT order_id, state FROM ${t.stockHolds} WHERE order_id = ANY($1::text[])`,
      [[...new Set(orderIds)]],
    );
    const byOrder = new Map(rows.map((row) => [row.order_id, row.state]));
    return orderIds.map((orderId) => byOrder.get(orderId) ?? null);
  }, perTurn(500));

  /**
   * Runs one gate function, with the timeouts, as a single simple-protocol message: Postgres runs a
   * multi-statement message as one implicit transaction, so the call costs one round trip and the hot stock
   * row is locked only inside the server, never while a reply travels to Node. Bind parameters are not
   * available in that protocol, hence `literal`; every value has been validated before it gets here.
   */
  const callGate = async <Outcome = string>(
    what: string,
    fn: string,
    args: readonly SqlValue[],
    {
      settings = timeouts,
      followUp = '',
      isOutcome = (value): value is Outcome => typeof value === 'string',
    }: { settings?: string; followUp?: string; isOutcome?: (value: unknown) => value is Outcome } = {},
  ): Promise<GateReply<Outcome>> => {
    const text = `${settings}; SELECT ${t.fn(fn)}(${args.map(literal).join(', ')}) AS outcome${followUp ? `; ${followUp}` : ''}`;
    const settingCount = settings.split(';').length;
    let results: QueryResult[];
    try {
      results = (await pool.query(text)) as unknown as QueryResult[];
    } catch (error) {
      throw toLimitedCartError(error, what);
    }
    const outcome = results[settingCount]?.rows[0]?.outcome;
    if (!isOutcome(outcome)) throw new LimitedCartError('INTERNAL', `${what}: no outcome`);
    return { outcome, rows: results[settingCount + 1]?.rows ?? [] };
  };

  const readSnapshot = async (sku: string) => {
    const [row] = await query<StockRow>(pool, 'read stock', `SELECT * FROM ${t.stock} WHERE sku = $1`, [sku]);
    return row ? toSnapshot(row) : null;
  };

  const release = async (orderId: string, dueAt: Date | null): Promise<string> =>
    (await callGate('release hold', 'gate_release', [orderId, dueAt])).outcome;

  const expire = async (): Promise<string[]> => {
    const released: string[] = [];
    // One cutoff for the whole sweep, read once from the database: every batch and every release compares with it.
    const [clock] = await query<{ now: Date }>(pool, 'read database clock', 'SELECT now() AS now');
    if (clock === undefined) throw new LimitedCartError('INTERNAL', 'read database clock: no row');
    const dueAt = clock.now;
    for (;;) {
      // Each hold is released in its own short transaction: one sweep never holds many hot rows at once.
      const due = await query<{ order_id: string }>(
        pool,
        'list due holds',
        `SELECT order_id FROM ${t.stockHolds} WHERE state = 'HELD' AND hold_until <= $1 ORDER BY hold_until LIMIT $2`,
        [dueAt, batchSize],
      );
      for (const { order_id } of due) {
        if ((await release(order_id, dueAt)) === 'CHANGED') released.push(order_id);
      }
      if (due.length < batchSize) return released;
    }
  };

  /**
   * Reservations that arrive together are decided by one `gate_reserve_many` call: one round trip, one commit
   * and one turn on the hot stock row for the whole group, each request still getting its own outcome. A drop's
   * accepted orders arrive together by nature, and one at a time they queued on that row and on the log. A group
   * that fails (a lock or statement timeout) fails every request in it; none of them reserved anything.
   */
  const reservations = new DataLoader<ReserveRequest, string>(
    async (requests) => {
      const { outcome } = await callGate(
        'reserve stock',
        'gate_reserve_many',
        [
          {
            json: requests.map((r) => ({
              sku: r.sku,
              qty: r.qty,
              order_id: r.orderId,
              customer_id: r.customerId,
              max_per_customer: r.limitPerCustomer,
              hold_until: r.holdUntil.toISOString(),
            })),
          },
        ],
        { settings: reserveSettings, isOutcome: isOutcomeList(requests.length) },
      );
      return outcome;
    },
    perTurn(reserveBatchSize),
  );

  const ledger = createPostgresLedgerReader({ pool, schema });
  return {
    readSku: (sku) => ledger.readSku(sku),
    ...(ledger.listSkus && { listSkus: () => ledger.listSkus!() }),
    async reserve(request: ReserveRequest): Promise<ReserveResult> {
      const outcome = await reservations.load(checkReserveRequest(request));
      if (outcome === 'OK' || outcome === 'DUPLICATE') return { ok: true };
      if (outcome === 'SOLD_OUT' || outcome === 'LIMIT_EXCEEDED' || outcome === 'NOT_ON_SALE') return { ok: false, reason: outcome };
      throw new LimitedCartError('INTERNAL', `reserve stock: unexpected outcome ${outcome}`);
    },

    async commit(orderId: string): Promise<HoldTransition> {
      return transition((await callGate('commit hold', 'gate_commit', [checkId('orderId', orderId)])).outcome);
    },

    async release(orderId: string): Promise<HoldTransition> {
      return transition(await release(checkId('orderId', orderId), null));
    },

    async restock(sku: string, qty: number, opId: string): Promise<RestockResult> {
      const s = checkId('sku', sku);
      const q = checkQuantity('qty', qty);
      const op = checkId('opId', opId);
      // The snapshot is read in the same transaction, right after the restock.
      const { outcome, rows } = await callGate(
        'restock',
        'gate_restock',
        [s, { int: q }, op],
        { followUp: `SELECT * FROM ${t.stock} WHERE sku = ${literal(s)}` },
      );
      const row = rows[0] as StockRow | undefined;
      // A replayed op id may name a SKU that was never stocked: report it as empty, like the reference gate.
      const snapshot = row ? toSnapshot(row) : { sku: s, available: 0, held: 0, sold: 0, restockedTotal: 0 };
      return { applied: outcome === 'APPLIED', snapshot };
    },

    async snapshot(sku: string) {
      return readSnapshot(checkId('sku', sku));
    },

    expire,

    async extendHold(orderId: string, graceMs: number): Promise<HoldExtension> {
      const id = checkId('orderId', orderId);
      const grace = checkQuantity('graceMs', graceMs);
      // The hold's end is read in the same transaction, right after the decision.
      const { outcome, rows } = await callGate('extend hold', 'gate_extend_hold', [id, { int: grace }], {
        followUp: `SELECT hold_until FROM ${t.stockHolds} WHERE order_id = ${literal(id)}`,
      });
      if (outcome === 'EXTENDED' || outcome === 'KEPT') {
        const holdUntil = rows[0]?.hold_until;
        if (!(holdUntil instanceof Date)) throw new LimitedCartError('INTERNAL', 'extend hold: no hold_until');
        return { ok: true, holdUntil, extended: outcome === 'EXTENDED' };
      }
      if (outcome === 'COMMITTED' || outcome === 'RELEASED' || outcome === 'LAPSED' || outcome === 'UNKNOWN') {
        return { ok: false, state: outcome };
      }
      throw new LimitedCartError('INTERNAL', `extend hold: unexpected outcome ${outcome}`);
    },

    async holdState(orderId: string) {
      return holdStates.load(checkId('orderId', orderId));
    },
  };
};

const transition = (outcome: string): HoldTransition => {
  switch (outcome) {
    case 'CHANGED':
      return { ok: true, changed: true };
    case 'UNCHANGED':
      return { ok: true, changed: false };
    case 'RELEASED':
    case 'COMMITTED':
    case 'UNKNOWN':
      return { ok: false, state: outcome };
    default:
      throw new LimitedCartError('INTERNAL', `unexpected hold outcome ${outcome}`);
  }
};
