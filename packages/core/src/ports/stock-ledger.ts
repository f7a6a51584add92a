import type { HoldState, StockSnapshot } from './stock-gate.js';

/** One order's hold on a SKU, as a gate or ledger records it. */
export interface StockHoldRecord {
  readonly orderId: string;
  readonly customerId: string;
  readonly qty: number;
  readonly state: HoldState;
  readonly holdUntil: Date;
}

/**
 * Everything a stock gate knows about one SKU at one moment: counters, HELD and COMMITTED holds (RELEASED
 * ones may be included) and the restock operation ids already applied.
 */
export interface SkuStockState {
  readonly snapshot: StockSnapshot;
  readonly holds: readonly StockHoldRecord[];
  readonly restockOpIds?: readonly string[];
}

/**
 * Optional capability of a ledger-grade stock gate: a consistent read of one SKU, which reconcilers use to
 * compare or rebuild a faster gate in front of it (e.g. Redis in front of Postgres).
 */
export interface StockLedgerReader {
  /** null for an unknown SKU. Counters and holds must come from one consistent snapshot. */
  readSku(sku: string): Promise<SkuStockState | null>;
  /** Every SKU the ledger holds stock for. */
  listSkus?(): Promise<string[]>;
}
