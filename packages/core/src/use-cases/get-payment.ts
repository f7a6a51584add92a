import { notFound } from '../domain/errors.js';
import type { Payment } from '../domain/payment.js';
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
