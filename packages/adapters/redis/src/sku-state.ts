import type { StockHoldRecord } from '@limitedcart/core';

export type { SkuStockState } from '@limitedcart/core';

/** One order's hold on a SKU, as a gate or ledger records it. */
export type GateHold = StockHoldRecord;
