import type { HoldState } from '@limitedcart/core';

/**
 * The ledger's vocabulary. Every change to stock is one of these facts, appended and never rewritten; the
 * counters the gate answers with are a fold over them (`projection.ts`).
 */
export type LedgerEvent =
  | { readonly type: 'restocked'; readonly sku: string; readonly qty: number; readonly opId: string; readonly at: number }
  | {
      readonly type: 'reserved';
      readonly orderId: string;
      readonly sku: string;
      readonly qty: number;
      readonly customerId: string;
      /** Epoch milliseconds: events are JSON, so no Date objects. */
      readonly holdUntil: number;
      readonly at: number;
    }
  | { readonly type: 'committed'; readonly orderId: string; readonly at: number }
  /** The hold's one grace (`extendHold`): it now ends at `holdUntil` (epoch milliseconds). */
  | { readonly type: 'extended'; readonly orderId: string; readonly holdUntil: number; readonly at: number }
  | {
      readonly type: 'released';
      readonly orderId: string;
      /** `release` was called, or the expiry sweep found the hold past its holdUntil. */
      readonly cause: 'release' | 'expired';
      readonly at: number;
    };

export type LedgerEventType = LedgerEvent['type'];

/** The state a hold ends up in after an event about it. */
export const HOLD_STATE_AFTER: Readonly<Record<Exclude<LedgerEventType, 'restocked' | 'extended'>, HoldState>> = {
  reserved: 'HELD',
  committed: 'COMMITTED',
  released: 'RELEASED',
};
