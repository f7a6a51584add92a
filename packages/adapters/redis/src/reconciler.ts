import type { HoldState, Logger, StockLedgerReader, StockSnapshot } from '@limitedcart/core';
import type { GateHold, SkuStockState } from './sku-state.js';
import type { RedisStockGate } from './stock-gate.js';

/**
 * The ledger side of reconciliation: core's optional `StockLedgerReader` capability (the Postgres gate's
 * `createPostgresLedgerReader`). `readSku` must return counters and holds from one consistent read, or the
 * rebuilt admit tier would mix two moments.
 */
export type LedgerReader = StockLedgerReader;

/** A hold whose state differs between the tiers (null: the tier has no such hold). */
export interface HoldMismatch {
  readonly orderId: string;
  readonly ledger: HoldState | null;
  readonly admit: HoldState | null;
}

/** How one SKU's admit tier differs from the ledger. Counter deltas are admit minus ledger. */
export interface SkuDrift {
  readonly sku: string;
  readonly inSync: boolean;
  readonly ledger: StockSnapshot | null;
  readonly admit: StockSnapshot | null;
  readonly delta: { readonly available: number; readonly held: number; readonly sold: number; readonly restockedTotal: number };
  /** Orders HELD or COMMITTED in one tier and not in the same state in the other (at most `maxMismatches`). */
  readonly holdMismatches: readonly HoldMismatch[];
}

export interface StockReconcilerOptions {
  readonly admit: RedisStockGate;
  readonly ledger: LedgerReader;
  readonly logger?: Logger;
  /** Hold mismatches listed per SKU in a report. Default 100. */
  readonly maxMismatches?: number;
  /** Least time between two scheduled repairs of one SKU (`scheduleRepair`). Default 1000 ms. */
  readonly minRepairIntervalMs?: number;
}

export interface StockReconciler {
  /** Compares the admit tier with the ledger; all SKUs known to either tier when `skus` is omitted. */
  report(skus?: readonly string[]): Promise<SkuDrift[]>;
  /**
   * Rebuilds the admit tier's counters, holds, customer counts and restock op ids from the ledger for every
   * SKU that drifted; returns the drift found before repairing. Under live traffic, orders the ledger
   * confirms between the read and the rewrite are missing from the rebuilt tier: it then admits slightly
   * more than the ledger has (the ledger still rejects the excess, so nothing is oversold) until the next repair.
   */
  repair(skus?: readonly string[]): Promise<SkuDrift[]>;
  /**
   * Repairs one SKU soon, for the tiered gate's `onDrift`: signals arriving before the repair starts share it,
   * repairs of one SKU never overlap and start at least `minRepairIntervalMs` apart. Never rejects (failures
   * are logged); the promise settles when the repair covering this call is done.
   */
  scheduleRepair(sku: string): Promise<void>;
}

const EMPTY: StockSnapshot = { sku: '', available: 0, held: 0, sold: 0, restockedTotal: 0 };
const LIVE = new Set<HoldState>(['HELD', 'COMMITTED']);

const liveStates = (holds: readonly GateHold[]): Map<string, HoldState> =>
  new Map(holds.filter((hold) => LIVE.has(hold.state)).map((hold) => [hold.orderId, hold.state]));

/** Creates the reconciler between a Redis admit tier and the ledger it mirrors. */
export function createStockReconciler(options: StockReconcilerOptions): StockReconciler {
  const { admit, ledger } = options;
  const maxMismatches = options.maxMismatches ?? 100;

  const allSkus = async (skus: readonly string[] | undefined): Promise<string[]> => {
    if (skus !== undefined) return [...new Set(skus)];
    const [admitSkus, ledgerSkus] = await Promise.all([admit.skus(), ledger.listSkus?.() ?? Promise.resolve([])]);
    return [...new Set([...ledgerSkus, ...admitSkus])].sort();
  };

  const compare = async (sku: string): Promise<{ drift: SkuDrift; state: SkuStockState | null }> => {
    const [state, admitSnapshot, admitHolds] = await Promise.all([ledger.readSku(sku), admit.snapshot(sku), admit.holds(sku)]);
    const ledgerSnapshot = state?.snapshot ?? null;
    const l = ledgerSnapshot ?? EMPTY;
    const a = admitSnapshot ?? EMPTY;
    const ledgerStates = liveStates(state?.holds ?? []);
    const admitStates = liveStates(admitHolds);
    const holdMismatches: HoldMismatch[] = [];
    for (const orderId of new Set([...ledgerStates.keys(), ...admitStates.keys()])) {
      const inLedger = ledgerStates.get(orderId) ?? null;
      const inAdmit = admitStates.get(orderId) ?? null;
      if (inLedger !== inAdmit && holdMismatches.length < maxMismatches) {
        holdMismatches.push({ orderId, ledger: inLedger, admit: inAdmit });
      }
    }
    const delta = {
      available: a.available - l.available,
      held: a.held - l.held,
      sold: a.sold - l.sold,
      restockedTotal: a.restockedTotal - l.restockedTotal,
    };
    const inSync =
      (ledgerSnapshot === null) === (admitSnapshot === null) && Object.values(delta).every((value) => value === 0) && holdMismatches.length === 0;
    return { drift: { sku, inSync, ledger: ledgerSnapshot, admit: admitSnapshot, delta, holdMismatches }, state };
  };

  const minInterval = options.minRepairIntervalMs ?? 1000;
  /** Per SKU: the repair waiting to start (shared by new signals) and the time the last one started. */
  const waiting = new Map<string, Promise<void>>();
  const running = new Map<string, Promise<void>>();
  const lastStart = new Map<string, number>();

  const repairSku = async (sku: string): Promise<void> => {
    await running.get(sku);
    const wait = (lastStart.get(sku) ?? Number.NEGATIVE_INFINITY) + minInterval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // From here on, a new signal needs a new repair: this one may already have read the ledger.
    waiting.delete(sku);
    lastStart.set(sku, Date.now());
    const work = reconciler.repair([sku]).then(
      () => undefined,
      (error: unknown) => options.logger?.error('scheduled stock repair failed', { sku, error }),
    );
    running.set(sku, work);
    await work;
    if (running.get(sku) === work) running.delete(sku);
  };

  const reconciler: StockReconciler = {
    scheduleRepair(sku) {
      const pending = waiting.get(sku);
      if (pending !== undefined) return pending;
      const scheduled = repairSku(sku);
      waiting.set(sku, scheduled);
      return scheduled;
    },

    async report(skus) {
      const results = await Promise.all((await allSkus(skus)).map(compare));
      return results.map((result) => result.drift);
    },

    async repair(skus) {
      const repaired: SkuDrift[] = [];
      for (const sku of await allSkus(skus)) {
        const { drift } = await compare(sku);
        if (drift.inSync) continue;
        // Read again right before writing: the comparison above may be a while old on a busy SKU.
        const fresh = await ledger.readSku(sku);
        if (fresh === null) {
          options.logger?.warn('admit tier holds a SKU the ledger does not know; left as is', { sku });
          continue;
        }
        await admit.rebuild(sku, fresh);
        options.logger?.info('admit tier rebuilt from the ledger', { sku, delta: drift.delta, holdMismatches: drift.holdMismatches.length });
        repaired.push(drift);
      }
      return repaired;
    },
  };
  return reconciler;
}
