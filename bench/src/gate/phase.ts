import { isLimitedCartError, type StockGate, type StockSnapshot } from '@limitedcart/core';
import { LatencyRecorder, type LatencySummary } from '../lib/latency.js';

/**
 * - accept: the SKU has far more stock than the callers can take, so (nearly) every attempt is accepted;
 * - sold-out: the SKU has a few units, so after the first moments every attempt is a sold-out rejection.
 */
export type PhaseKind = 'accept' | 'sold-out' | 'warm-up';

export interface PhaseOptions {
  readonly gate: StockGate;
  readonly kind: PhaseKind;
  readonly sku: string;
  /** Units restocked on the SKU before the callers start. */
  readonly stock: number;
  readonly callers: number;
  readonly durationMs: number;
  /** Prefix of every order, customer and restock id of the phase, unique to the run. */
  readonly idPrefix: string;
}

/** What the callers of one phase did, and the SKU as the gate reports it afterwards. */
export interface PhaseMeasurement {
  readonly kind: PhaseKind;
  readonly sku: string;
  readonly callers: number;
  readonly stock: number;
  readonly elapsedMs: number;
  readonly attempts: number;
  readonly accepted: number;
  /** Typed rejections by reason (SOLD_OUT, LIMIT_EXCEEDED, NOT_ON_SALE). */
  readonly rejected: Readonly<Record<string, number>>;
  /** Calls that threw, by `LimitedCartError` code (or the error's name). */
  readonly errors: Readonly<Record<string, number>>;
  readonly attemptsPerSecond: number;
  readonly acceptedPerSecond: number;
  readonly soldOutPerSecond: number;
  /** Latency of every attempt, accepted, rejected or failed. */
  readonly latency: LatencySummary;
  readonly snapshot: StockSnapshot | null;
}

const HOLD_MS = 3_600_000;

const increment = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const errorKey = (error: unknown): string => {
  if (isLimitedCartError(error)) return error.code;
  return error instanceof Error ? error.name : 'unknown';
};

/**
 * Restocks a fresh SKU, then runs `callers` concurrent loops for `durationMs`, each reserving 1 unit under a new
 * order id per attempt and starting its next attempt as soon as the previous one answered (a closed loop: the
 * offered load adapts to the gate's speed, so latency figures are not inflated by a queue of our own).
 */
export async function runPhase(options: PhaseOptions): Promise<PhaseMeasurement> {
  const { gate, sku, callers, idPrefix } = options;
  await gate.restock(sku, options.stock, `${idPrefix}-restock`);
  const recorder = new LatencyRecorder();
  const rejected: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let attempts = 0;
  let accepted = 0;
  const holdUntil = new Date(Date.now() + HOLD_MS);

  const started = performance.now();
  const stopAt = started + options.durationMs;
  const caller = async (index: number): Promise<void> => {
    const customerId = `${idPrefix}-c${index}`;
    for (let seq = 0; performance.now() < stopAt; seq += 1) {
      const begin = LatencyRecorder.now();
      attempts += 1;
      try {
        const result = await gate.reserve({ sku, qty: 1, orderId: `${idPrefix}-${index}-${seq}`, customerId, limitPerCustomer: 0, holdUntil });
        recorder.stop(begin);
        if (result.ok) accepted += 1;
        else increment(rejected, result.reason);
      } catch (error) {
        recorder.stop(begin);
        increment(errors, errorKey(error));
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, (_, index) => caller(index)));
  const elapsedMs = performance.now() - started;
  const perSecond = (count: number): number => (count * 1000) / elapsedMs;

  return {
    kind: options.kind,
    sku,
    callers,
    stock: options.stock,
    elapsedMs,
    attempts,
    accepted,
    rejected,
    errors,
    attemptsPerSecond: perSecond(attempts),
    acceptedPerSecond: perSecond(accepted),
    soldOutPerSecond: perSecond(rejected.SOLD_OUT ?? 0),
    latency: recorder.summary(),
    snapshot: await gate.snapshot(sku),
  };
}
