import { notFound } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { Payment } from '../domain/payment.js';
import type { CorePorts } from '../ports/core-ports.js';
import { type Actor, isAdmin } from './ports.js';
import { requireActor, requireObject, requireString } from './validate.js';

export interface GetOrderInput {
  readonly orderId: string;
  readonly actor: Actor;
}

/**
 * One order, for its owner or an ADMIN. Anyone else gets NOT_FOUND, exactly as for an id that does not
 * exist: order ids must not confirm that someone else's order exists.
 */
export async function getOrder(deps: Pick<CorePorts, 'orders'>, input: GetOrderInput): Promise<Order> {
  const request = requireObject(input, 'input');
  const orderId = requireString(request.orderId, 'orderId', { maxLength: 200 });
  const actor = requireActor(request.actor);
  const order = await deps.orders.get(orderId);
  if (order === null || (order.customerId !== actor.customerId && !isAdmin(actor))) throw notFound('order', orderId);
  return order;
}

export interface OrderDetail {
  readonly order: Order;
  /** How many payment attempts the order had. */
  readonly paymentAttempts: number;
  /**
   * The latest attempt, null before the first: while the order is PAYMENT_PENDING a DECLINED or ERROR attempt here
   * (with its `failureReason`) is the failure the shopper may retry after, until `holdUntil`.
   */
  readonly lastPayment: Payment | null;
}

/** `getOrder` plus its payment attempts: what a pay page shows. Same access rule. */
export async function getOrderDetail(deps: Pick<CorePorts, 'orders' | 'payments'>, input: GetOrderInput): Promise<OrderDetail> {
  const order = await getOrder(deps, input);
  const payments = await deps.payments.listByOrder(order.id);
  // An open or captured attempt is always the latest: a new one is opened only once the previous one closed. Asking
  // for it first does not depend on how a store orders attempts made within the same millisecond.
  const live = payments.find((payment) => payment.status === 'SUCCEEDED') ?? payments.find((payment) => payment.status === 'INITIATED' || payment.status === 'ERROR');
  return { order, paymentAttempts: payments.length, lastPayment: live ?? payments.at(-1) ?? null };
}
