import type { HoldState, StockSnapshot } from '@limitedcart/core';
import { HOLD_STATE_AFTER, type LedgerEvent } from './events.js';

export interface SkuCounters {
  available: number;
  held: number;
  sold: number;
  restockedTotal: number;
}

export interface HoldRecord {
  readonly sku: string;
  readonly qty: number;
  readonly customerId: string;
  holdUntil: number;
  state: HoldState;
  /** Used its one grace. */
  extended: boolean;
}

/**
 * What the ledger says right now, derived from its events only. `evolve` is the single place that changes
 * it: the live gate applies each event it appended, and a restart replays the whole log through the same
 * function, so the two can never disagree.
 */
export class Projection {
  readonly skus = new Map<string, SkuCounters>();
  readonly holds = new Map<string, HoldRecord>();
  readonly restockOps = new Set<string>();
  /** Order ids still HELD: the expiry sweep scans these, not every hold ever made. */
  readonly openHolds = new Set<string>();
  /** Units held + sold per (sku, customer), for the per-customer limit. */
  readonly #perCustomer = new Map<string, number>();

  /** Units a customer holds or bought of a SKU. */
  customerUnits(sku: string, customerId: string): number {
    return this.#perCustomer.get(customerKey(sku, customerId)) ?? 0;
  }

  snapshot(sku: string): StockSnapshot | null {
    const counters = this.skus.get(sku);
    return counters === undefined ? null : { sku, ...counters };
  }

  evolve(event: LedgerEvent): void {
    switch (event.type) {
      case 'restocked': {
        const counters = this.skus.get(event.sku) ?? { available: 0, held: 0, sold: 0, restockedTotal: 0 };
        counters.available += event.qty;
        counters.restockedTotal += event.qty;
        this.skus.set(event.sku, counters);
        this.restockOps.add(event.opId);
        return;
      }
      case 'reserved': {
        const counters = this.#counters(event.sku);
        counters.available -= event.qty;
        counters.held += event.qty;
        this.#addCustomerUnits(event.sku, event.customerId, event.qty);
        this.holds.set(event.orderId, {
          sku: event.sku,
          qty: event.qty,
          customerId: event.customerId,
          holdUntil: event.holdUntil,
          state: HOLD_STATE_AFTER.reserved,
          extended: false,
        });
        this.openHolds.add(event.orderId);
        return;
      }
      case 'committed': {
        const hold = this.#hold(event.orderId);
        const counters = this.#counters(hold.sku);
        counters.held -= hold.qty;
        counters.sold += hold.qty;
        hold.state = HOLD_STATE_AFTER.committed;
        this.openHolds.delete(event.orderId);
        return;
      }
      case 'extended': {
        const hold = this.#hold(event.orderId);
        hold.holdUntil = event.holdUntil;
        hold.extended = true;
        return;
      }
      case 'released': {
        const hold = this.#hold(event.orderId);
        const counters = this.#counters(hold.sku);
        counters.held -= hold.qty;
        counters.available += hold.qty;
        this.#addCustomerUnits(hold.sku, hold.customerId, -hold.qty);
        hold.state = HOLD_STATE_AFTER.released;
        this.openHolds.delete(event.orderId);
        return;
      }
    }
  }

  // A log whose events refer to a SKU or hold that no earlier event created is corrupt: say so loudly.
  #counters(sku: string): SkuCounters {
    const counters = this.skus.get(sku);
    if (counters === undefined) throw new Error(`ledger refers to SKU ${sku} before it was restocked`);
    return counters;
  }

  #hold(orderId: string): HoldRecord {
    const hold = this.holds.get(orderId);
    if (hold === undefined) throw new Error(`ledger refers to hold ${orderId} before it was reserved`);
    return hold;
  }

  #addCustomerUnits(sku: string, customerId: string, delta: number): void {
    const key = customerKey(sku, customerId);
    this.#perCustomer.set(key, (this.#perCustomer.get(key) ?? 0) + delta);
  }
}

const customerKey = (sku: string, customerId: string): string => `${sku}\u0000${customerId}`;

/** Folds a whole log into a projection: what a restart does, and what a reconciliation compares against. */
export function project(events: Iterable<LedgerEvent>): Projection {
  const projection = new Projection();
  for (const event of events) projection.evolve(event);
  return projection;
}
