import { notFound } from '../domain/errors.js';
import { isTerminal } from '../domain/order.js';
import type { Payment, PaymentStatus } from '../domain/payment.js';
import { orderPaymentFailedEvent } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { SagaSignal } from '../ports/saga-runner.js';
import { handleLateSignal } from '../saga/order-saga.js';
import { createOrderSagaActivities } from '../saga-activities.js';
import { optionalString, requireObject, requireOneOf, requireString } from './validate.js';

export const PAYMENT_OUTCOMES = ['succeeded', 'declined', 'error'] as const;
export type PaymentOutcome = (typeof PAYMENT_OUTCOMES)[number];

export interface PaymentResultInput {
  readonly paymentId: string;
  readonly outcome: PaymentOutcome;
  /** The gateway's reference of the capture; required when the outcome is `succeeded`. */
  readonly reference?: string;
  /** Why the payment was declined or failed. */
  readonly reason?: string;
}

export interface PaymentResultOutcome {
  /** The payment as stored after this call. */
  readonly payment: Payment;
  /** false when the payment already had this result (a redelivered webhook) or a conflicting final one. */
  readonly applied: boolean;
  /** The signal sent to the order's saga, null when none was due (gateway errors, conflicting results). */
  readonly signal: SagaSignal['type'] | null;
  /** Whether a running saga took the signal; false means it had ended and the late-signal policy ran. */
  readonly delivered: boolean | null;
}

export type HandlePaymentResultDeps = Pick<
  CorePorts,
  'payments' | 'orders' | 'sagaRunner' | 'paymentGateway' | 'unitOfWork' | 'stockGate' | 'clock' | 'logger'
>;

interface Rule {
  readonly to: PaymentStatus;
  /** Statuses this result may overwrite. ERROR is open: after a gateway error the shopper may try again. */
  readonly from: readonly PaymentStatus[];
}

const RULES: Record<PaymentOutcome, Rule> = {
  succeeded: { to: 'SUCCEEDED', from: ['INITIATED', 'ERROR'] },
  declined: { to: 'DECLINED', from: ['INITIATED', 'ERROR'] },
  error: { to: 'ERROR', from: ['INITIATED'] },
};

/**
 * Records a gateway result and tells the order's saga. Safe under webhook redelivery: the status update is
 * conditional, and a redelivered result re-sends its signal (so a crash between the update and the signal
 * heals on the next delivery; sagas ignore duplicates). Neither a decline nor a gateway `error` ends the order: it
 * stays PAYMENT_PENDING, the failure is announced with an `order.payment-failed` event, and the shopper
 * may pay again until the hold ends (a decline is still signalled: the saga remembers it, and ends the order FAILED
 * rather than EXPIRED if the hold then ends unpaid). A success for an order that already ended is refunded.
 */
export async function handlePaymentResult(
  deps: HandlePaymentResultDeps,
  input: PaymentResultInput,
): Promise<PaymentResultOutcome> {
  const request = requireObject(input, 'input');
  const paymentId = requireString(request.paymentId, 'paymentId', { maxLength: 200 });
  const outcome = requireOneOf(request.outcome, 'outcome', PAYMENT_OUTCOMES);
  const reference =
    outcome === 'succeeded'
      ? requireString(request.reference, 'reference', { maxLength: 500 })
      : optionalString(request.reference, 'reference');
  const reason = optionalString(request.reason, 'reason') ?? (outcome === 'declined' ? 'declined' : 'gateway error');

  const rule = RULES[outcome];
  const updated = await deps.payments.setStatus(paymentId, rule.from, rule.to, {
    gatewayReference: reference ?? null,
    failureReason: outcome === 'succeeded' ? null : reason,
  });
  const payment = updated ?? (await deps.payments.get(paymentId));
  if (payment === null) throw notFound('payment', paymentId);

  const applied = updated !== null;
  if (!applied && payment.status !== rule.to) {
    deps.logger.warn('payment result conflicts with the recorded one; ignored', {
      paymentId,
      outcome,
      status: payment.status,
    });
    return { payment, applied, signal: null, delivered: null };
  }
  if (applied && outcome !== 'succeeded') await announceFailure(deps, payment, outcome === 'declined' ? 'DECLINED' : 'ERROR');
  if (outcome === 'error') return { payment, applied, signal: null, delivered: null };

  const signal: SagaSignal =
    outcome === 'succeeded'
      ? { type: 'payment-succeeded', paymentId }
      : { type: 'payment-failed', paymentId, reason: payment.failureReason ?? reason };
  const delivered = await signalSaga(deps, payment.orderId, signal);
  return { payment: (await deps.payments.get(paymentId)) ?? payment, applied, signal: signal.type, delivered };
}

/** Tells the order's owner that an attempt failed while the order stays payable (the event is what SSE pushes). */
async function announceFailure(deps: HandlePaymentResultDeps, payment: Payment, status: 'DECLINED' | 'ERROR'): Promise<void> {
  const order = await deps.orders.get(payment.orderId);
  if (order === null || isTerminal(order.status)) return;
  const note = { paymentId: payment.id, status, reason: payment.failureReason ?? (status === 'DECLINED' ? 'declined' : 'gateway error') };
  await deps.unitOfWork.run((tx) => tx.outbox.append([orderPaymentFailedEvent(order, note, deps.clock.now())]));
}

/**
 * Signals the order's saga. Without a saga (its start was lost) an open order gets its saga started first;
 * an order that ended without one gets the late-signal policy applied here, as a runner would.
 */
async function signalSaga(deps: HandlePaymentResultDeps, orderId: string, signal: SagaSignal): Promise<boolean> {
  if ((await deps.sagaRunner.describe(orderId)) === null) {
    const order = await deps.orders.get(orderId);
    if (order === null || isTerminal(order.status)) {
      await handleLateSignal(createOrderSagaActivities(deps), orderId, signal);
      return false;
    }
    await deps.sagaRunner.start({ orderId, paymentDeadline: order.holdUntil.toISOString() });
  }
  const { delivered } = await deps.sagaRunner.signal(orderId, signal);
  return delivered;
}
