import type { TerminalOrderStatus } from '../domain/order.js';
import type { OrderSagaInput, SagaSignal } from '../ports/saga-runner.js';
import type { EndStatus, OrderSagaActivities } from './activities.js';
import { CompensationStack } from './compensation.js';
import type { SagaContext } from './context.js';

/**
 * The change id (see `SagaContext.patched`) of "a declined payment does not end the order": sagas that consumed a
 * decline before it was made keep ending FAILED at once when their history is replayed.
 */
export const PAYMENT_RETRY_CHANGE = 'payment-retry-after-decline';

export interface OrderSagaResult {
  readonly status: TerminalOrderStatus;
  readonly reason: string | null;
  /** Compensations that failed after retries; the order still ended, these need an operator. */
  readonly compensationFailures: readonly string[];
  /** Payments refunded because they arrived after the order had ended. */
  readonly lateRefunds: readonly string[];
}

/**
 * The order saga, defined once. Every runner executes this function.
 *
 *   PENDING → PAYMENT_PENDING → wait for a signal until the payment deadline
 *     payment-succeeded → commit stock → CONFIRMED
 *     payment-failed    → keep waiting: the shopper may pay again with another card (the order stays
 *                         PAYMENT_PENDING; the failure is remembered for the ending)
 *     hold-extended     → the deadline moves to the hold's new end (never earlier)
 *     cancel            → release stock → CANCELLED
 *     deadline          → release stock → FAILED when a payment had failed, else EXPIRED
 *     a step fails for good before the stock is sold → compensate → FAILED
 *
 * The stock hold exists before the saga starts (placed by `placeOrder`), so releasing it is the first
 * compensation on the stack. A payment that succeeds after the saga decided to end is refunded.
 *
 * This module must stay free of Node built-ins and IO: Temporal bundles it into workflow code.
 */
export async function orderSaga(ctx: SagaContext, input: OrderSagaInput): Promise<OrderSagaResult> {
  const { orderId } = input;
  let deadline = new Date(input.paymentDeadline);
  /** Why the last payment attempt failed, while the shopper may still try another card. */
  let lastFailure: string | null = null;
  const compensations = new CompensationStack();
  compensations.push('release stock', () => ctx.activity('releaseStock', orderId));

  let ending: { status: EndStatus; reason: string };
  let stepError: unknown = null;
  try {
    ctx.step('payment-pending');
    await ctx.activity('markPaymentPending', orderId);

    ctx.step('awaiting-payment');
    for (;;) {
      const signal = await ctx.nextSignal(deadline);
      if (signal === null) {
        ending =
          lastFailure === null
            ? { status: 'EXPIRED', reason: 'payment deadline passed' }
            : { status: 'FAILED', reason: `payment declined: ${lastFailure}; the hold ended unpaid` };
        break;
      }
      if (signal.type === 'cancel') {
        ending = { status: 'CANCELLED', reason: signal.reason };
        break;
      }
      if (signal.type === 'hold-extended') {
        const extended = new Date(signal.holdUntil);
        if (extended.getTime() > deadline.getTime()) deadline = extended;
        continue;
      }
      if (signal.type === 'payment-failed') {
        // Sagas that consumed a decline under the earlier definition (which ended the order at once) replay it so.
        if (ctx.patched === undefined || (await ctx.patched(PAYMENT_RETRY_CHANGE))) {
          lastFailure = signal.reason;
          continue;
        }
        ending = { status: 'FAILED', reason: `payment declined: ${signal.reason}` };
        break;
      }
      // payment-succeeded: the money is captured, so a refund becomes the undo of everything after this point.
      ctx.step('committing');
      compensations.push('refund payment', () => ctx.activity('refundPayment', orderId, signal.paymentId));
      const committed = await ctx.activity('commitStock', orderId);
      if (!committed) {
        ending = { status: 'FAILED', reason: 'stock hold lost before payment completed' };
        break;
      }
      compensations.clear();
      await ctx.activity('confirmOrder', orderId);
      ctx.step('confirmed');
      const lateRefunds = await refundLatePayments(ctx, orderId, await ctx.drainSignals(), signal.paymentId);
      return { status: 'CONFIRMED', reason: null, compensationFailures: [], lateRefunds };
    }
  } catch (error) {
    // Once the stock is sold nothing can be undone: the failure is the runner's to report and an operator's to fix.
    if (compensations.size === 0) throw error;
    // Before that, a step that failed for good (after retries) must not strand a captured payment or the hold:
    // compensate and end the order FAILED.
    stepError = error;
    ending = { status: 'FAILED', reason: `saga step failed: ${error instanceof Error ? error.message : String(error)}` };
  }

  ctx.step('compensating');
  const compensationFailures = await compensations.unwind();
  try {
    await ctx.activity('endOrder', orderId, ending.status, ending.reason);
  } catch (error) {
    // The order could not be ended either (e.g. it was ended elsewhere): report the fault that started this.
    throw stepError ?? error;
  }
  ctx.step(ending.status.toLowerCase());
  const lateRefunds = await refundLatePayments(ctx, orderId, await ctx.drainSignals());
  return { status: ending.status, reason: ending.reason, compensationFailures, lateRefunds };
}

/** Payments that succeeded while the saga was ending (or a second payment after confirmation). */
async function refundLatePayments(
  ctx: SagaContext,
  orderId: string,
  signals: readonly SagaSignal[],
  keptPaymentId?: string,
): Promise<string[]> {
  const refunded: string[] = [];
  for (const signal of signals) {
    if (signal.type === 'payment-succeeded' && signal.paymentId !== keptPaymentId && !refunded.includes(signal.paymentId)) {
      await ctx.activity('refundPayment', orderId, signal.paymentId);
      refunded.push(signal.paymentId);
    }
  }
  return refunded;
}

/**
 * The late-signal policy: what a runner does with a signal for a saga that already ended. A payment that
 * succeeded after the order ended is refunded; anything else is ignored.
 */
export async function handleLateSignal(
  activities: Pick<OrderSagaActivities, 'refundPayment'>,
  orderId: string,
  signal: SagaSignal,
): Promise<void> {
  if (signal.type === 'payment-succeeded') {
    await activities.refundPayment(orderId, signal.paymentId);
  }
}
