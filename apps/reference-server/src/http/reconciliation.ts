import type { StockGate, StockSnapshot } from '@limitedcart/core';

/** One SKU's comparison of the admission tier (e.g. Redis) with the ledger (e.g. Postgres). */
export interface SkuReconciliation {
  readonly sku: string;
  readonly inSync: boolean;
  readonly ledger: StockSnapshot | null;
  readonly admit: StockSnapshot | null;
  /** Admit minus ledger. */
  readonly delta: { readonly available: number; readonly held: number; readonly sold: number; readonly restockedTotal: number };
  /** Orders whose hold differs between the tiers. */
  readonly holdMismatches: number;
}

export interface ReconciliationReport {
  /** `tiered`: an admission tier in front of the ledger is compared; `ledger`: the gate is the ledger itself. */
  readonly mode: 'tiered' | 'ledger';
  readonly inSync: boolean;
  readonly skus: readonly SkuReconciliation[];
}

/** Gate-versus-ledger drift, as GET/POST /api/inventory/reconcile report and repair it. */
export interface StockReconciliation {
  report(skus: readonly string[]): Promise<ReconciliationReport>;
  /** Rebuilds the admission tier from the ledger where they drifted; returns the drift found before. */
  repair(skus: readonly string[]): Promise<ReconciliationReport>;
}

const ZERO = { available: 0, held: 0, sold: 0, restockedTotal: 0 };

/**
 * With a single-tier gate (Postgres, memory) the gate is the ledger: there is nothing to drift from, so the
 * report checks the ledger's own invariant (restocked = available + held + sold) per SKU and repair has
 * nothing to rebuild.
 */
export function createLedgerReconciliation(gate: StockGate): StockReconciliation {
  const report = async (skus: readonly string[]): Promise<ReconciliationReport> => {
    const lines = await Promise.all(
      skus.map(async (sku): Promise<SkuReconciliation> => {
        const snapshot = await gate.snapshot(sku);
        const consistent =
          snapshot === null || snapshot.restockedTotal === snapshot.available + snapshot.held + snapshot.sold;
        return { sku, inSync: consistent, ledger: snapshot, admit: snapshot, delta: ZERO, holdMismatches: 0 };
      }),
    );
    return { mode: 'ledger', inSync: lines.every((line) => line.inSync), skus: lines };
  };
  return { report, repair: report };
}
