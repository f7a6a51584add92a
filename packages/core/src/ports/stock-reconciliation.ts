import type { StockSnapshot } from './stock-gate.js';

type Counts = Omit<StockSnapshot, 'sku'>;

/** One SKU's comparison of an admission tier (e.g. Redis) with the ledger behind it (e.g. Postgres). */
export interface SkuReconciliation {
  readonly sku: string;
  readonly inSync: boolean;
  readonly ledger: Counts | null;
  readonly admit: Counts | null;
  /** Admit minus ledger. */
  readonly delta: Counts;
  /** Orders whose hold differs between the tiers. */
  readonly holdMismatches: number;
}

export interface ReconciliationReport {
  /** `tiered`: an admission tier in front of the ledger was compared; `ledger`: the gate is the ledger itself. */
  readonly mode: 'tiered' | 'ledger';
  readonly inSync: boolean;
  readonly skus: readonly SkuReconciliation[];
}

/** Optional capability of a stock gate with a faster tier in front of its ledger (the tiered gate). */
export interface StockReconciliation {
  /**
   * Compares the tiers for each SKU; with `repair`, rebuilds the admission tier from the ledger where they drifted.
   * Reports the drift found before any repair.
   */
  reconcile(skus: readonly string[], options: { readonly repair: boolean }): Promise<ReconciliationReport>;
}
