import { randomBytes } from 'node:crypto';
import { isLimitedCartError, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Money } from '../domain/money.js';
import type { OrderStatus } from '../domain/order.js';
import type { Payment, PaymentStatus } from '../domain/payment.js';
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
      /** true when this is the order's live payment, opened earlier, rather than a new one. */
      readonly existing: boolean;
    }
  | { readonly ok: false; readonly reason: 'NOT_PAYABLE'; readonly status: OrderStatus };

export type InitiatePaymentDeps = Pick<CorePorts, 'orders' | 'payments'>;

const PAYABLE: readonly OrderStatus[] = ['PENDING', 'PAYMENT_PENDING'];

/**
 * A live payment: open (INITIATED, or ERROR after a gateway failure, both payable) or captured (SUCCEEDED). An order
 * has at most one: every link a shopper opens could be charged, and a real gateway bills every capture.
 */
const LIVE: readonly PaymentStatus[] = ['INITIATED', 'ERROR', 'SUCCEEDED'];

const liveLink = (payment: Payment) => ({
  ok: true as const,
  paymentId: payment.id,
  token: payment.token,
  amount: payment.amount,
});

/** The order's live payment: a captured one first (the order is paid, whatever links are left open), else the open one. */
async function livePaymentOf(deps: InitiatePaymentDeps, orderId: string): Promise<Payment | null> {
  const payments = await deps.payments.listByOrder(orderId);
  return payments.find((payment) => payment.status === 'SUCCEEDED') ?? payments.findLast((payment) => LIVE.includes(payment.status)) ?? null;
}

/**
 * Opens a payment for the caller's own order, or returns the one it has: one live payment per order (asking again,
 * from another tab or a retried request, gives the same link). The amount is the order's total as stored, never a
 * client value. Other customers (administrators included: paying is the owner's act) get NOT_FOUND.
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

  const live = await livePaymentOf(deps, order.id);
  if (live !== null) return { ...liveLink(live), existing: true };
  try {
    const payment = await deps.payments.create({
      id: newId(),
      orderId: order.id,
      customerId: order.customerId,
      amount: order.total,
      // 32 random bytes: the token is a bearer secret, so it must be unguessable.
      token: randomBytes(32).toString('base64url'),
    });
    return { ...liveLink(payment), existing: false };
  } catch (error) {
    // A concurrent call (another replica) opened the order's payment first: the store keeps one open per order.
    if (!isLimitedCartError(error, 'CONFLICT')) throw error;
    const winner = await livePaymentOf(deps, order.id);
    if (winner === null) throw error;
    return { ...liveLink(winner), existing: true };
  }
}
