import type { Money } from './money.js';

export const PAYMENT_STATUSES = ['INITIATED', 'SUCCEEDED', 'DECLINED', 'ERROR', 'REFUNDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface Payment {
  readonly id: string;
  readonly orderId: string;
  readonly customerId: string;
  /** Always computed from the order, never taken from a client. */
  readonly amount: Money;
  readonly status: PaymentStatus;
  /** Opaque token in the payment link handed to the link holder. */
  readonly token: string;
  readonly gatewayReference: string | null;
  readonly failureReason: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type NewPayment = Pick<Payment, 'id' | 'orderId' | 'customerId' | 'amount' | 'token'>;
