import { randomBytes } from 'node:crypto';
import { isLimitedCartError, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Money } from '../domain/money.js';
import type { Order, OrderStatus } from '../domain/order.js';
import type { Payment, PaymentStatus } from '../domain/payment.js';
import type { CorePorts } from '../ports/core-ports.js';
import { holdForPayment, type PaymentHoldDeps } from './payment-hold.js';
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
      /** When the order's hold ends (after the grace a starting payment gets): pay before it. */
      readonly holdUntil: Date;
    }
  | { readonly ok: false; readonly reason: 'NOT_PAYABLE'; readonly status: OrderStatus }
  /** The order is still open but its hold's time ran out: it is about to end, nothing can be paid. */
  | { readonly ok: false; readonly reason: 'HOLD_EXPIRED'; readonly status: OrderStatus; readonly holdUntil: Date };

export type InitiatePaymentDeps = Pick<CorePorts, 'orders' | 'payments'> & PaymentHoldDeps & { readonly paymentGraceMs?: number };

export const PAYABLE: readonly OrderStatus[] = ['PENDING', 'PAYMENT_PENDING'];

/**
 * A live payment: open (INITIATED, or ERROR after a gateway failure, both payable) or captured (SUCCEEDED). An order
 * has at most one: every link a shopper opens could be charged, and a real gateway bills every capture. A DECLINED
 * payment is a closed attempt: the next try opens a new payment.
 */
const LIVE: readonly PaymentStatus[] = ['INITIATED', 'ERROR', 'SUCCEEDED'];

/** The order's live payment: a captured one first (the order is paid, whatever links are left open), else the open one. */
async function livePaymentOf(deps: Pick<CorePorts, 'payments'>, orderId: string): Promise<Payment | null> {
  const payments = await deps.payments.listByOrder(orderId);
  return payments.find((payment) => payment.status === 'SUCCEEDED') ?? payments.findLast((payment) => LIVE.includes(payment.status)) ?? null;
}

/**
 * The order's live payment, or a new attempt when it has none (never paid, or the last attempt was declined).
 * Concurrent callers get the same one: the store keeps one open payment per order.
 */
export async function openPaymentAttempt(
  deps: Pick<CorePorts, 'payments'>,
  order: Order,
): Promise<{ readonly payment: Payment; readonly existing: boolean }> {
  const live = await livePaymentOf(deps, order.id);
  if (live !== null) return { payment: live, existing: true };
  try {
    const payment = await deps.payments.create({
      id: newId(),
      orderId: order.id,
      customerId: order.customerId,
      amount: order.total,
      // 32 random bytes: the token is a bearer secret, so it must be unguessable.
      token: randomBytes(32).toString('base64url'),
    });
    return { payment, existing: false };
  } catch (error) {
    // A concurrent call (another replica) opened the order's payment first: the store keeps one open per order.
    if (!isLimitedCartError(error, 'CONFLICT')) throw error;
    const winner = await livePaymentOf(deps, order.id);
    if (winner === null) throw error;
    return { payment: winner, existing: true };
  }
}

/**
 * Opens a payment for the caller's own order, or returns the one it has: one live payment per order (asking again,
 * from another tab or a retried request, gives the same link). After a declined attempt it opens the next attempt.
 * The amount is the order's total as stored, never a client value. Starting a payment gives the order's hold its
 * grace (see `holdForPayment`). Other customers (administrators included: paying is the owner's act) get NOT_FOUND.
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

  const { payment, existing } = await openPaymentAttempt(deps, order);
  let holdUntil = order.holdUntil;
  if (payment.status !== 'SUCCEEDED') {
    const hold = await holdForPayment(deps, order, deps.paymentGraceMs ?? 0);
    if (!hold.live) return { ok: false, reason: 'HOLD_EXPIRED', status: hold.order.status, holdUntil: hold.order.holdUntil };
    holdUntil = hold.order.holdUntil;
  }
  return { ok: true, paymentId: payment.id, token: payment.token, amount: payment.amount, existing, holdUntil };
}
