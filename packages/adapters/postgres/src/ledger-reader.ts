import type { HoldState, SkuStockState, StockLedgerReader } from '@limitedcart/core';
import type pg from 'pg';
import { toLimitedCartError } from './errors.js';
import { DEFAULT_SCHEMA } from './options.js';
import { connect, toNumber } from './sql.js';

/** bigint counters (migration 0008) arrive as strings. */
interface StockRow {
  available: number | string;
  held: number | string;
  sold: number | string;
  restocked_total: number | string;
}

interface HoldRow {
  order_id: string;
  customer_id: string;
  qty: number;
  state: HoldState;
  hold_until: Date;
}

/**
 * Reads the Postgres gate's ledger (`stock`, `stock_holds`, `restock_ops`) for reconciliation. One REPEATABLE
 * READ transaction per SKU, so counters and holds come from the same moment even while a drop is running.
 */
export function createPostgresLedgerReader({ pool, schema = DEFAULT_SCHEMA }: { pool: pg.Pool; schema?: string }): StockLedgerReader {
  const table = (name: string): string => `"${schema}"."${name}"`;
  return {
    async readSku(sku): Promise<SkuStockState | null> {
      const client = await connect(pool, 'ledger read');
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const stock = await client.query<StockRow>(
          `SELECT available, held, sold, restocked_total FROM ${table('stock')} WHERE sku = $1`,
          [sku],
        );
        const row = stock.rows[0];
        if (row === undefined) {
          await client.query('COMMIT');
          return null;
        }
        const holds = await client.query<HoldRow>(
          `SELECT order_id, customer_id, qty, state, hold_until FROM ${table('stock_holds')} WHERE sku = $1 AND state <> 'RELEASED'`,
          [sku],
        );
        const ops = await client.query<{ op_id: string }>(`SELECT op_id FROM ${table('restock_ops')} WHERE sku = $1`, [sku]);
        await client.query('COMMIT');
        return {
          snapshot: {
            sku,
            available: toNumber(row.available),
            held: toNumber(row.held),
            sold: toNumber(row.sold),
            restockedTotal: toNumber(row.restocked_total),
          },
          holds: holds.rows.map((hold) => ({
            orderId: hold.order_id,
            customerId: hold.customer_id,
            qty: hold.qty,
            state: hold.state,
            holdUntil: hold.hold_until,
          })),
          restockOpIds: ops.rows.map((op) => op.op_id),
        };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw toLimitedCartError(error, 'ledger read');
      } finally {
        client.release();
      }
    },

    async listSkus() {
      try {
        const result = await pool.query<{ sku: string }>(`SELECT sku FROM ${table('stock')} ORDER BY sku`);
        return result.rows.map((row) => row.sku);
      } catch (error) {
        throw toLimitedCartError(error, 'ledger sku list');
      }
    },
  };
}
