import { notFound } from '../domain/errors.js';
import type { Money } from '../domain/money.js';
import type { OrderStatus } from '../domain/order.js';
import type { PaymentStatus } from '../domain/payment.js';
import type { CorePorts } from '../ports/core-ports.js';
import { requireString } from './validate.js';

/** What a payment link pays for, as its holder sees it before paying. */
export interface PaymentLinkView {
  readonly paymentId: string;
  readonly orderId: string;
  readonly amount: Money;
  /** The link's attempt. DECLINED or ERROR while `orderStatus` is PAYMENT_PENDING: the link may be paid again. */
  readonly status: PaymentStatus;
  readonly failureReason: string | null;
  /** The order's status; it is payable while PENDING or PAYMENT_PENDING. */
  readonly orderStatus: OrderStatus | null;
  /** When the order's hold ends: pay before it. null when the order is gone. */
  readonly holdUntil: Date | null;
}

/** The payment behind a link's secret, with its order's status and hold end; NOT_FOUND for an unknown one. */
export async function getPaymentLink(deps: Pick<CorePorts, 'payments' | 'orders'>, token: string): Promise<PaymentLinkView> {
  const payment = await deps.payments.getByToken(requireString(token, 'token', { maxLength: 200 }));
  if (payment === null) throw notFound('payment link', 'token');
  const order = await deps.orders.get(payment.orderId);
  return {
    paymentId: payment.id,
    orderId: payment.orderId,
    amount: payment.amount,
    status: payment.status,
    failureReason: payment.failureReason,
    orderStatus: order?.status ?? null,
    holdUntil: order?.holdUntil ?? null,
  };
}
