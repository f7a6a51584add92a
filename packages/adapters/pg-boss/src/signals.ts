import { LimitedCartError } from '@limitedcart/core';
import type { OrderSagaInput, SagaSignal } from '@limitedcart/core';
import { sagaSignalKey } from '@limitedcart/core/saga';

/**
 * The stable identity of a signal: redelivering the same payment outcome or a second cancel collapses
 * onto one row, which is what makes a signal's effect exactly-once whatever the transport did.
 */
export function signalId(signal: SagaSignal): string {
  return sagaSignalKey(signal);
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Rejects malformed signals at the runner's boundary. */
export function assertSignal(orderId: string, signal: SagaSignal): void {
  assertOrderId(orderId);
  const candidate = signal as Partial<Record<string, unknown>> | null;
  const valid =
    candidate !== null &&
    typeof candidate === 'object' &&
    ((candidate.type === 'cancel' && typeof candidate.reason === 'string') ||
      (candidate.type === 'payment-succeeded' && nonEmpty(candidate.paymentId)) ||
      (candidate.type === 'payment-failed' && nonEmpty(candidate.paymentId) && typeof candidate.reason === 'string') ||
      (candidate.type === 'hold-extended' && nonEmpty(candidate.holdUntil) && !Number.isNaN(Date.parse(candidate.holdUntil))));
  if (!valid) {
    throw new LimitedCartError('VALIDATION', 'malformed saga signal', { details: { orderId } });
  }
}

export function assertOrderId(orderId: string): void {
  if (!nonEmpty(orderId)) throw new LimitedCartError('VALIDATION', 'orderId must be a non-empty string');
}

export function assertInput(input: OrderSagaInput): void {
  assertOrderId(input?.orderId);
  if (typeof input.paymentDeadline !== 'string' || Number.isNaN(Date.parse(input.paymentDeadline))) {
    throw new LimitedCartError('VALIDATION', 'paymentDeadline must be an ISO timestamp', {
      details: { orderId: input.orderId },
    });
  }
}
