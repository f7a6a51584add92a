import { LimitedCartError, notFound } from '../domain/errors.js';
import { isCancellable, type Order, type OrderStatus } from '../domain/order.js';
import type { CorePorts } from '../ports/core-ports.js';
import { endOrderWithoutSaga } from './end-order-without-saga.js';
import { type Actor, isAdmin } from './ports.js';
import { requireActor, requireObject, requireString } from './validate.js';

export interface CancelOrderInput {
  readonly orderId: string;
  readonly actor: Actor;
}

export type CancelOrderResult =
  /**
   * The cancellation was accepted. `order` is the order as read after the request: when a saga owns the
   * order it may still show the previous status for a moment; `order.progress` reports CANCELLED.
   */
  | { readonly ok: true; readonly order: Order }
  | { readonly ok: false; readonly reason: 'NOT_CANCELLABLE'; readonly status: OrderStatus };

export type CancelOrderDeps = Pick<CorePorts, 'orders' | 'sagaRunner' | 'unitOfWork' | 'stockGate' | 'clock' | 'logger'>;

/** Each round re-reads the order; more than a few means something keeps racing us, which is a fault. */
const MAX_ROUNDS = 3;

/**
 * Cancels an order on behalf of its owner or an ADMIN. Anyone else gets NOT_FOUND: an order id never
 * reveals that the order exists.
 *
 * The saga owns the order's lifecycle, so cancellation is a signal to it. Only when no saga runs for a
 * still-open order (its start was lost, or the saga failed) is the order ended here directly. Either path
 * can lose a race (the saga ends, or a saga appears); the order is then read again and the request decided
 * on what it shows.
 */
export async function cancelOrder(deps: CancelOrderDeps, input: CancelOrderInput): Promise<CancelOrderResult> {
  const request = requireObject(input, 'input');
  const orderId = requireString(request.orderId, 'orderId', { maxLength: 200 });
  const actor = requireActor(request.actor);

  let order = await deps.orders.get(orderId);
  if (order === null || (order.customerId !== actor.customerId && !isAdmin(actor))) throw notFound('order', orderId);
  const reason = order.customerId === actor.customerId ? 'cancelled by customer' : 'cancelled by admin';

  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    if (!isCancellable(order.status)) return { ok: false, reason: 'NOT_CANCELLABLE', status: order.status };

    const saga = await deps.sagaRunner.describe(orderId);
    if (saga?.status === 'RUNNING') {
      const { delivered } = await deps.sagaRunner.signal(orderId, { type: 'cancel', reason });
      if (delivered) return { ok: true, order: await reread(deps, order) };
    } else {
      const ended = await endOrderWithoutSaga(deps, orderId, 'CANCELLED', reason);
      if (ended.ok) return { ok: true, order: ended.order };
    }
    order = await reread(deps, order);
  }
  throw new LimitedCartError('CONFLICT', `order ${orderId} kept changing while being cancelled`, {
    details: { orderId },
  });
}

const reread = async (deps: CancelOrderDeps, order: Order): Promise<Order> => (await deps.orders.get(order.id)) ?? order;
