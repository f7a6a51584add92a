import type { CorePorts } from '../ports/core-ports.js';
import type { ReconciliationReport, SkuReconciliation } from '../ports/stock-reconciliation.js';
import { reconciledEntry } from './audit-entries.js';
import { authorize } from './permissions.js';
import type { Actor } from './ports.js';
import { requireBoolean, requireObject } from './validate.js';

export interface ReconcileStockInput {
  /** Rebuild the admission tier from the ledger where they drifted (a tiered gate); false only reports. */
  readonly repair: boolean;
  /** Who asks: must be an ADMIN (`PERMISSIONS.reconcileStock`); a repair is recorded in the audit log. None: the system. */
  readonly actor?: Actor;
}

const ZERO = { available: 0, held: 0, sold: 0, restockedTotal: 0 };

/**
 * Gate-versus-ledger drift over every product's SKU. A tiered gate compares (and repairs) its tiers; a gate that is
 * its own ledger (Postgres, memory) has nothing to drift from, so the report checks the ledger's own invariant
 * (restocked = available + held + sold) per SKU and a repair has nothing to rebuild.
 *
 * Every repair is recorded in the audit log (with the SKUs that had drifted), after it ran: the repair rewrites the
 * admission tier (Redis), which no database transaction covers.
 */
export async function reconcileStock(
  deps: Pick<CorePorts, 'products' | 'stockGate' | 'audit'>,
  input: ReconcileStockInput,
): Promise<ReconciliationReport> {
  const request = requireObject(input, 'input');
  const actor = authorize(request.actor, 'reconcileStock');
  const repair = requireBoolean(request.repair, 'repair');
  const report = await compare(deps, repair);
  if (repair) await deps.audit.append([reconciledEntry(actor, report)]);
  return report;
}

async function compare(deps: Pick<CorePorts, 'products' | 'stockGate'>, repair: boolean): Promise<ReconciliationReport> {
  const skus = [...new Set((await deps.products.all()).map((product) => product.sku))];
  if (deps.stockGate.reconcile) return deps.stockGate.reconcile(skus, { repair });
  const lines = await Promise.all(
    skus.map(async (sku): Promise<SkuReconciliation> => {
      const snapshot = await deps.stockGate.snapshot(sku);
      const counts = snapshot && {
        available: snapshot.available,
        held: snapshot.held,
        sold: snapshot.sold,
        restockedTotal: snapshot.restockedTotal,
      };
      const consistent = counts === null || counts.restockedTotal === counts.available + counts.held + counts.sold;
      return { sku, inSync: consistent, ledger: counts, admit: counts, delta: ZERO, holdMismatches: 0 };
    }),
  );
  return { mode: 'ledger', inSync: lines.every((line) => line.inSync), skus: lines };
}
