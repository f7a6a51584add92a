import type { HoldState, StockSnapshot } from '@limitedcart/core';

/** One order's hold on a SKU, as a gate or ledger records it. */
export interface GateHold {
  readonly orderId: string;
  readonly customerId: string;
  readonly qty: number;
  readonly state: HoldState;
  readonly holdUntil: Date;
}

/**
 * Everything a stock gate knows about one SKU: what the reconciler compares and what `rebuild` writes.
 * `holds` lists HELD and COMMITTED holds (RELEASED ones may be included; they only make a repeated release
 * answer `changed: false` instead of `UNKNOWN`). `restockOpIds` keeps restock retries idempotent after a rebuild.
 */
export interface SkuStockState {
  readonly snapshot: StockSnapshot;
  readonly holds: readonly GateHold[];
  readonly restockOpIds?: readonly string[];
}
