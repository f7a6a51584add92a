import type { TerminalOrderStatus } from '../domain/order.js';

export type EndStatus = Exclude<TerminalOrderStatus, 'CONFIRMED'>;

/**
 * The IO the order saga performs. Every activity is idempotent (it may run again after a crash or a retry)
 * and binds only core ports; `createOrderSagaActivities` builds the production set from the engine's ports.
 *
 * Activities throw only for faults. A retryable fault (infrastructure, timeout, unknown) is retried by the
 * runner with backoff; a non-retryable one (`isRetryableError` false) fails the step at once.
 */
export interface OrderSagaActivities {
  /** PENDING → PAYMENT_PENDING, with an `order.progress` event. */
  markPaymentPending(orderId: string): Promise<void>;
  /** Turns the hold into a sale. false when the hold is gone (released by the expiry sweep). */
  commitStock(orderId: string): Promise<boolean>;
  /** Returns the held units to stock. Idempotent; a no-op for a committed hold. */
  releaseStock(orderId: string): Promise<void>;
  /** PAYMENT_PENDING → CONFIRMED, with an `order.progress` event. */
  confirmOrder(orderId: string): Promise<void>;
  /** → CANCELLED / EXPIRED / FAILED, with an `order.progress` event. */
  endOrder(orderId: string, status: EndStatus, reason: string): Promise<void>;
  /** Refunds a captured payment. Idempotent per payment. */
  refundPayment(orderId: string, paymentId: string): Promise<void>;
}

export type ActivityName = keyof OrderSagaActivities;
export const ACTIVITY_NAMES = [
  'markPaymentPending',
  'commitStock',
  'releaseStock',
  'confirmOrder',
  'endOrder',
  'refundPayment',
] as const satisfies readonly ActivityName[];
