import { randomBytes } from 'node:crypto';
import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Money } from '../domain/money.js';
import type { OrderStatus } from '../domain/order.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { Actor } from './ports.js';
import { requireActor, requireObject, requireString } from './validate.js';

export interface InitiatePaymentInput {
  readonly orderId: string;
  readonly actor: Actor;
}

export type InitiatePaymentResult =
  | {
      readonly ok: true;
      readonly paymentId: string;
      /** Secret of the payment link: whoever holds it may pay. The HTTP layer builds the link from it. */
      readonly token: string;
      readonly amount: Money;
    }
  | { readonly ok: false; readonly reason: 'NOT_PAYABLE'; readonly status: OrderStatus };

export type InitiatePaymentDeps = Pick<CorePorts, 'orders' | 'payments'>;

const PAYABLE: readonly OrderStatus[] = ['PENDING', 'PAYMENT_PENDING'];

/**
 * Opens a payment for the caller's own order. The amount is the order's total as stored, never a client
 * value. Other customers (administrators included: paying is the owner's act) get NOT_FOUND.
 */
export async function initiatePayment(
  deps: InitiatePaymentDeps,
  input: InitiatePaymentInput,
): Promise<InitiatePaymentResult> {
  const request = requireObject(input, 'input');
  const orderId = requireString(request.orderId, 'orderId', { maxLength: 200 });
  const actor = requireActor(request.actor);

  const order = await deps.orders.get(orderId);
  if (order === null || order.customerId !== actor.customerId) throw notFound('order', orderId);
  if (!PAYABLE.includes(order.status)) return { ok: false, reason: 'NOT_PAYABLE', status: order.status };

  const payment = await deps.payments.create({
    id: newId(),
    orderId: order.id,
    customerId: order.customerId,
    amount: order.total,
    // 32 random bytes: the token is a bearer secret, so it must be unguessable.
    token: randomBytes(32).toString('base64url'),
  });
  return { ok: true, paymentId: payment.id, token: payment.token, amount: payment.amount };
}
