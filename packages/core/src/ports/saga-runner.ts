import type { TerminalOrderStatus } from '../domain/order.js';

export type SagaSignal =
  | { readonly type: 'payment-succeeded'; readonly paymentId: string }
  | { readonly type: 'payment-failed'; readonly paymentId: string; readonly reason: string }
  | { readonly type: 'cancel'; readonly reason: string }
  /** The stock hold was extended (a payment started near its end): the payment deadline follows it. */
  | { readonly type: 'hold-extended'; readonly holdUntil: string };

export type SagaSignalType = SagaSignal['type'];

export interface OrderSagaInput {
  readonly orderId: string;
  /** ISO timestamp: payment must arrive before it or the order expires. */
  readonly paymentDeadline: string;
}

export type SagaStatus = 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface SagaDescription {
  readonly orderId: string;
  readonly status: SagaStatus;
  /** The step the saga is in or ended in, e.g. 'awaiting-payment'. */
  readonly step: string;
  /** Terminal order status once COMPLETED. */
  readonly outcome: TerminalOrderStatus | null;
  readonly error: string | null;
}

export interface SignalResult {
  /** false when the saga had already ended; the late signal was handled by the saga's late-signal policy. */
  readonly delivered: boolean;
}

/**
 * Runs core's order saga (`orderSaga`) durably. The saga definition lives once in core; runners supply
 * durability only.
 */
export interface SagaRunner {
  /** Idempotent: the saga id is the order id; a second start is a no-op returning started: false. */
  start(input: OrderSagaInput): Promise<{ readonly started: boolean }>;
  signal(orderId: string, signal: SagaSignal): Promise<SignalResult>;
  /** null when no saga was ever started for the order. */
  describe(orderId: string): Promise<SagaDescription | null>;
  /**
   * Optional: whether a saga was ever started for the order, without its step. Runners whose `describe` costs
   * more than a lookup (Temporal asks a worker for the step) provide it; core falls back to `describe`.
   */
  exists?(orderId: string): Promise<boolean>;
}
