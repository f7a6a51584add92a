import { notFound } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
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
