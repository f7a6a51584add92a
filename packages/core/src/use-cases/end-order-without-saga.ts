import type { Order } from '../domain/order.js';
import { orderProgressEvent } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { TransitionResult } from '../ports/stores.js';
import type { EndStatus } from '../saga/activities.js';

export type EndOrderDeps = Pick<CorePorts, 'unitOfWork' | 'stockGate' | 'clock' | 'logger'>;

/**
 * Ends an order that has no running saga to end it: the order moves (conditionally) and its
 * `order.progress` event is appended in one transaction, then its hold is released.
 *
 * The conditional transition is the arbiter when a saga appears concurrently: whoever moves the order
 * first wins, and the loser sees ILLEGAL_TRANSITION and leaves the stock alone.
 */
export async function endOrderWithoutSaga(
  deps: EndOrderDeps,
  orderId: string,
  status: EndStatus,
  reason: string,
): Promise<TransitionResult> {
  const result = await deps.unitOfWork.transitionOrder(orderId, status, reason, (moved) => [
    orderProgressEvent(moved, deps.clock.now()),
  ]);
  if (result.ok) await releaseHold(deps, result.order);
  return result;
}

async function releaseHold(deps: EndOrderDeps, order: Order): Promise<void> {
  try {
    await deps.stockGate.release(order.id);
  } catch (error) {
    // The order has ended; a hold left behind lapses at holdUntil and the expiry sweep returns it.
    deps.logger.error('releasing the hold of an ended order failed; the expiry sweep will release it', {
      orderId: order.id,
      error,
    });
  }
}
