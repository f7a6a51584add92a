import pg from 'pg';
import { expect } from 'vitest';

export const TERMINAL = ['CONFIRMED', 'CANCELLED', 'EXPIRED', 'FAILED'] as const;

/** What the database holds for one product of one row, read straight from the row's schema. */
export interface Ledger {
  readonly stock: { readonly available: number; readonly held: number; readonly sold: number; readonly restockedTotal: number };
  /** Order id → status. */
  readonly orders: ReadonlyMap<string, string>;
  /** Order id → why it ended as it did. */
  readonly reasons: ReadonlyMap<string, string | null>;
  /** Order id → hold state in the stock ledger. */
  readonly holds: ReadonlyMap<string, string>;
  /** Order id → how many `order.progress` events announced a terminal status. */
  readonly terminalEvents: ReadonlyMap<string, number>;
  /**
   * Orders whose hold lapsed (EXPIRED, or FAILED because the hold was gone when the payment came) but was released
   * before its holdUntil, both by the database's clock.
   */
  readonly releasedEarly: readonly string[];
  /** Order id → seconds from the order's creation to its holdUntil, both as the database recorded them. */
  readonly holdWindows: ReadonlyMap<string, number>;
}

/**
 * Reads the ledger of `productId` in `schema` on a short-lived connection: the rows of the fault battery check
 * the database's own record, not what a (possibly recovering) process says about it.
 */
export async function readLedger(url: string, schema: string, productId: string): Promise<Ledger> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const s = `"${schema}"`;
    const [stock] = (
      await client.query(
        `SELECT s.available, s.held, s.sold, s.restocked_total FROM ${s}.stock s JOIN ${s}.products p ON p.sku = s.sku WHERE p.id = $1`,
        [productId],
      )
    ).rows;
    const orders = await client.query(
      `SELECT id, status, status_reason, extract(epoch FROM hold_until - created_at)::float8 AS window FROM ${s}.orders WHERE product_id = $1`,
      [productId],
    );
    const holds = await client.query(
      `SELECT h.order_id, h.state FROM ${s}.stock_holds h JOIN ${s}.orders o ON o.id = h.order_id WHERE o.product_id = $1`,
      [productId],
    );
    const early = await client.query(
      `SELECT o.id FROM ${s}.orders o JOIN ${s}.stock_holds h ON h.order_id = o.id
       WHERE o.product_id = $1 AND h.state = 'RELEASED' AND h.updated_at < h.hold_until
         AND (o.status = 'EXPIRED' OR (o.status = 'FAILED' AND o.status_reason LIKE 'stock hold lost%'))`,
      [productId],
    );
    const events = await client.query(
      `SELECT e.aggregate_id, count(*)::int AS n FROM ${s}.outbox e JOIN ${s}.orders o ON o.id = e.aggregate_id
       WHERE o.product_id = $1 AND e.type = 'order.progress' AND e.payload->>'status' = ANY($2) GROUP BY e.aggregate_id`,
      [productId, TERMINAL],
    );
    return {
      // The counters are bigint (migration 0008): pg hands them over as strings.
      stock: { available: Number(stock.available), held: Number(stock.held), sold: Number(stock.sold), restockedTotal: Number(stock.restocked_total) },
      orders: new Map(orders.rows.map((row) => [row.id as string, row.status as string])),
      reasons: new Map(orders.rows.map((row) => [row.id as string, row.status_reason as string | null])),
      holdWindows: new Map(orders.rows.map((row) => [row.id as string, row.window as number])),
      holds: new Map(holds.rows.map((row) => [row.order_id as string, row.state as string])),
      terminalEvents: new Map(events.rows.map((row) => [row.aggregate_id as string, row.n as number])),
      releasedEarly: early.rows.map((row) => row.id as string),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Orders per status (FAILED ones per reason too), for the row's report. */
export const countByStatus = (ledger: Ledger): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const [orderId, status] of ledger.orders) {
    const key = status === 'FAILED' ? `FAILED (${ledger.reasons.get(orderId) ?? 'no reason'})` : status;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

/**
 * The settled ledger of a drop of `units` (limit one per shopper): every order ended once, its hold agrees with
 * how it ended, no hold is left, and the stock adds up exactly with sold = confirmed units.
 */
export function expectSettled(ledger: Ledger, units: number, accepted: readonly string[]): void {
  const { stock } = ledger;
  expect(stock.restockedTotal, 'restocked').toBe(units);
  expect(stock.available + stock.held + stock.sold, 'restocked = available + held + sold').toBe(stock.restockedTotal);
  expect(stock.sold, 'never oversold').toBeLessThanOrEqual(units);
  expect(stock.held, 'holds left').toBe(0);
  expect(ledger.releasedEarly, 'lapsed holds released before their holdUntil').toEqual([]);

  for (const orderId of accepted) expect(ledger.orders.has(orderId), `202 for ${orderId} has a committed order`).toBe(true);
  const confirmed = [...ledger.orders.values()].filter((status) => status === 'CONFIRMED').length;
  expect(stock.sold, 'sold = CONFIRMED units').toBe(confirmed);
  for (const [orderId, status] of ledger.orders) {
    expect(TERMINAL as readonly string[], `order ${orderId} is terminal`).toContain(status);
    expect(ledger.terminalEvents.get(orderId), `order ${orderId} ended exactly once`).toBe(1);
    expect(ledger.holds.get(orderId), `hold of ${status} order ${orderId}`).toBe(status === 'CONFIRMED' ? 'COMMITTED' : 'RELEASED');
  }
}
