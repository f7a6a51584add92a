import { randomUUID } from 'node:crypto';
import { validationError } from '../domain/errors.js';
import type { AdmissionQueue, AdmissionQueueStatus } from '../ports/admission-queue.js';
import type { StockGate } from '../ports/stock-gate.js';
import type { AdmissionTokens } from './admission-tokens.js';

export interface QueueAdmitterOptions {
  readonly queue: AdmissionQueue;
  readonly stockGate: StockGate;
  /** Signs a token for each admission (`AdmittedShopper.token`). Without it admissions carry none. */
  readonly tokens?: AdmissionTokens;
  /** How long an admitted shopper may take to place an order before the turn goes to the next. Default 2 minutes. */
  readonly admitForMs?: number;
  /**
   * Extra admissions beyond the units available, as a share of them, for shoppers who are admitted and never order:
   * 0.1 (the default) admits 110 shoppers for 100 units.
   */
  readonly abandonmentMargin?: number;
  /** At least this many extra admissions while any unit is available. Default 1. */
  readonly minimumMargin?: number;
}

/** A drop the admitter serves: its queue and the gate SKU whose stock it follows. */
export interface QueuedDrop {
  readonly dropId: string;
  readonly sku: string;
}

export interface AdmittedShopper {
  readonly customerId: string;
  readonly admittedUntil: Date;
  /** The signed admission token, when the admitter has `tokens`. */
  readonly token?: string;
}

/** What one round did, for the events a host sends (admitted, lapsed, sold out). */
export interface AdmitterRound {
  readonly dropId: string;
  readonly admitted: readonly AdmittedShopper[];
  /** Shoppers whose admission lapsed unused in this round. */
  readonly lapsed: readonly string[];
  /** true when this round closed the queue sold out. */
  readonly closedSoldOut: boolean;
  /** Units available at the gate when the round looked; null for a SKU the gate does not know. */
  readonly available: number | null;
  /** Running admissions the round aimed for. */
  readonly target: number;
  /** The queue after the round; null for a drop without a queue. */
  readonly status: AdmissionQueueStatus | null;
}

export interface QueueAdmitter {
  /**
   * One round for one drop: settles lapsed admissions, reads the gate, closes the queue sold out when the gate has no
   * unit left (none available, none held), else tops the running admissions up to the units available plus the
   * abandonment margin. Safe to run in several processes at once: the queue bounds running admissions atomically.
   */
  admit(drop: QueuedDrop): Promise<AdmitterRound>;
  /** Admissions to aim for with `available` units: 0 with none, else the units plus the margin. */
  targetFor(available: number): number;
}

/**
 * Stock-aware admission. Shoppers who placed an order hold their units (no longer available) and their admission is
 * used (no longer running), so "running admissions ≈ units available" lets in about one shopper per unit left. A
 * hold that expires or is cancelled returns its unit to `available`, and the next round admits one more shopper. A
 * drop is over when the gate holds nothing any more: every unit sold.
 */
export function createQueueAdmitter(options: QueueAdmitterOptions): QueueAdmitter {
  const admitForMs = options.admitForMs ?? 120_000;
  const margin = options.abandonmentMargin ?? 0.1;
  const minimumMargin = options.minimumMargin ?? 1;
  if (!Number.isSafeInteger(admitForMs) || admitForMs < 1) throw validationError('admitter admitForMs must be a positive integer');
  if (!Number.isFinite(margin) || margin < 0) throw validationError('admitter abandonmentMargin must be a non-negative number');
  if (!Number.isSafeInteger(minimumMargin) || minimumMargin < 0) throw validationError('admitter minimumMargin must be a non-negative integer');
  const { queue, stockGate, tokens } = options;

  const targetFor = (available: number): number =>
    available <= 0 ? 0 : available + Math.max(minimumMargin, Math.ceil(available * margin));

  return {
    targetFor,
    async admit({ dropId, sku }) {
      const lapsed = await queue.expire(dropId);
      const snapshot = await stockGate.snapshot(sku);
      const round = { dropId, lapsed, available: snapshot?.available ?? null };
      if (snapshot === null) return { ...round, admitted: [], closedSoldOut: false, target: 0, status: await queue.status(dropId) };
      if (snapshot.available === 0 && snapshot.held === 0) {
        const before = await queue.status(dropId);
        const status = before?.state === 'OPEN' ? await queue.closeSoldOut(dropId) : before;
        return { ...round, admitted: [], closedSoldOut: before?.state === 'OPEN', target: 0, status };
      }
      const target = targetFor(snapshot.available);
      const result = await queue.admit({ dropId, count: target, maxActive: target, admitForMs, opId: randomUUID() });
      const admitted = await Promise.all(
        result.admitted.map(async (admission) =>
          tokens ? { ...admission, token: await tokens.issue({ ...admission, dropId }) } : admission,
        ),
      );
      return { ...round, admitted, closedSoldOut: false, target, status: await queue.status(dropId) };
    },
  };
}
