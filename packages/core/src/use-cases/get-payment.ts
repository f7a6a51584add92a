import { notFound } from '../domain/errors.js';
import type { Money } from '../domain/money.js';
import type { Payment, PaymentStatus } from '../domain/payment.js';
import type { CorePorts } from '../ports/core-ports.js';
import { type Actor, isAdmin } from './ports.js';
import { requireActor, requireObject, requireString } from './validate.js';

export interface GetPaymentInput {
  readonly paymentId: string;
  readonly actor: Actor;
}

/** One payment, for its owner or an ADMIN; anyone else gets NOT_FOUND, as for an id that does not exist. */
export async function getPayment(deps: Pick<CorePorts, 'payments'>, input: GetPaymentInput): Promise<Payment> {
  const request = requireObject(input, 'input');
  const paymentId = requireString(request.paymentId, 'paymentId', { maxLength: 200 });
  const actor = requireActor(request.actor);
  const payment = await deps.payments.get(paymentId);
  if (payment === null || (payment.customerId !== actor.customerId && !isAdmin(actor))) throw notFound('payment', paymentId);
  return payment;
}

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
