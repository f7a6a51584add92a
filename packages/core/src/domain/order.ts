import type { Money } from './money.js';

export const ORDER_STATUSES = ['PENDING', 'PAYMENT_PENDING', 'CONFIRMED', 'CANCELLED', 'EXPIRED', 'FAILED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type TerminalOrderStatus = Extract<OrderStatus, 'CONFIRMED' | 'CANCELLED' | 'EXPIRED' | 'FAILED'>;

export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly productId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly total: Money;
  readonly status: OrderStatus;
  /** Why the order ended, for CANCELLED / EXPIRED / FAILED. */
  readonly statusReason: string | null;
  readonly holdUntil: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type NewOrder = Omit<Order, 'status' | 'statusReason' | 'createdAt' | 'updatedAt'>;

/**
 * The order state machine. A transition not listed here is illegal and is rejected, never overwritten:
 * this is what keeps "every order ends in exactly one terminal state" true under concurrent writers.
 */
const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['PAYMENT_PENDING', 'CANCELLED', 'EXPIRED', 'FAILED'],
  PAYMENT_PENDING: ['CONFIRMED', 'CANCELLED', 'EXPIRED', 'FAILED'],
  CONFIRMED: [],
  CANCELLED: [],
  EXPIRED: [],
  FAILED: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => TRANSITIONS[from].includes(to);

/** States from which `to` may be reached; stores use it for a conditional update. */
export const allowedSources = (to: OrderStatus): OrderStatus[] =>
  ORDER_STATUSES.filter((from) => TRANSITIONS[from].includes(to));

export const isTerminal = (status: OrderStatus): status is TerminalOrderStatus => TRANSITIONS[status].length === 0;

export const isCancellable = (status: OrderStatus): boolean => canTransition(status, 'CANCELLED');
