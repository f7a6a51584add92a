import type { SagaRunner } from '@limitedcart/core';
import type { SagaKitWorld } from '@limitedcart/core/testing';
import { LatencyRecorder, type LatencySummary } from '../lib/latency.js';
import type { Milestone, MilestoneWatch } from './milestones.js';

/** One timed step of every saga of a round. */
export interface StepFigures {
  /** Wall time until every `start` / `signal` call returned (the API side's work). */
  readonly callsReturnedMs: number;
  /** Wall time until every saga reached the milestone. */
  readonly allReachedMs: number;
  /** Orders / allReached, in sagas per second. */
  readonly sagasPerSecond: number;
  /** Per saga: from its own call to its milestone. */
  readonly latency: LatencySummary;
}

export interface RoundFigures {
  readonly orders: number;
  /** start → PAYMENT_PENDING. */
  readonly toPaymentPending: StepFigures;
  /** payment-succeeded signal → CONFIRMED. */
  readonly toConfirmed: StepFigures;
  readonly orderIds: readonly string[];
}

export interface RoundOptions {
  readonly world: SagaKitWorld;
  readonly watch: MilestoneWatch;
  readonly runner: SagaRunner;
  readonly crashed?: Promise<never>;
  readonly orders: number;
  readonly timeoutMs: number;
}

/** Payment window of the benchmark's orders: far longer than any run, so no saga expires on its own. */
const PAYMENT_WINDOW_MS = 2 * 3_600_000;

/**
 * Fires one call per order at once, then waits until every order reached `milestone`. `call` is issued for all
 * orders concurrently: the runner sees a burst, as after a drop opens.
 */
async function timedStep(
  options: RoundOptions,
  orderIds: readonly string[],
  milestone: Milestone,
  call: (orderId: string) => Promise<unknown>,
): Promise<StepFigures> {
  const { watch } = options;
  const issuedAt = new Map<string, number>();
  const started = performance.now();
  let callsReturnedMs = 0;
  const calls = Promise.all(
    orderIds.map(async (orderId) => {
      issuedAt.set(orderId, performance.now());
      await call(orderId);
    }),
  ).then(() => {
    callsReturnedMs = performance.now() - started;
  });
  const waits: Promise<unknown>[] = [Promise.all([calls, watch.waitAll(milestone, orderIds, options.timeoutMs)])];
  if (options.crashed) waits.push(options.crashed);
  await Promise.race(waits);
  const allReachedMs = performance.now() - started;

  const latency = new LatencyRecorder();
  for (const orderId of orderIds) {
    const reached = watch.timeOf(milestone, orderId);
    const issued = issuedAt.get(orderId);
    if (reached !== undefined && issued !== undefined) latency.recordMs(reached - issued);
  }
  return { callsReturnedMs, allReachedMs, sagasPerSecond: (orderIds.length * 1000) / allReachedMs, latency: latency.summary() };
}

/**
 * Places `orders` held orders (untimed), starts their sagas and times them to PAYMENT_PENDING, records a
 * captured payment per order (untimed, as the gateway would before its webhook), then signals every payment
 * and times the sagas to CONFIRMED.
 */
export async function runRound(options: RoundOptions): Promise<RoundFigures> {
  const { world, runner } = options;
  const placed = await Promise.all(
    Array.from({ length: options.orders }, () => world.placeHeldOrder({ quantity: 1, stock: 1, holdMs: PAYMENT_WINDOW_MS })),
  );
  const orderIds = placed.map((order) => order.orderId);
  const paymentDeadline = new Date(Date.now() + PAYMENT_WINDOW_MS).toISOString();

  const toPaymentPending = await timedStep(options, orderIds, 'payment-pending', (orderId) =>
    runner.start({ orderId, paymentDeadline }),
  );

  const paymentIds = new Map<string, string>();
  for (const orderId of orderIds) paymentIds.set(orderId, await world.capturePayment(orderId));

  const toConfirmed = await timedStep(options, orderIds, 'confirmed', (orderId) =>
    runner.signal(orderId, { type: 'payment-succeeded', paymentId: paymentIds.get(orderId) ?? '' }),
  );
  return { orders: options.orders, toPaymentPending, toConfirmed, orderIds };
}
