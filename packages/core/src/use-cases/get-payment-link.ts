import { notFound } from '../domain/errors.js';
import type { Money } from '../domain/money.js';
import type { PaymentStatus } from '../domain/payment.js';
import type { CorePorts } from '../ports/core-ports.js';
import { requireString } from './validate.js';

/** What a payment link pays for, as its holder sees it before paying. */
export interface PaymentLinkView {
  readonly paymentId: string;
  readonly orderId: string;
  readonly amount: Money;
  readonly status: PaymentStatus;
}

/** The payment behind a link's secret; NOT_FOUND for an unknown one. */
export async function getPaymentLink(deps: Pick<CorePorts, 'payments'>, token: string): Promise<PaymentLinkView> {
  const payment = await deps.payments.getByToken(requireString(token, 'token', { maxLength: 200 }));
  if (payment === null) throw notFound('payment link', 'token');
  return { paymentId: payment.id, orderId: payment.orderId, amount: payment.amount, status: payment.status };
}
