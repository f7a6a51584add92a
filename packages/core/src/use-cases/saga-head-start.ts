import type { Order } from '../domain/order.js';
import type { CorePorts } from '../ports/core-ports.js';

/** Starts an accepted order's saga without making the caller wait; see `createSagaHeadStart`. */
export type SagaHeadStart = (order: Order) => void;

/** Starts waiting for a free slot, per slot: beyond that a burst is left to the `order.placed` subscriber. */
const WAITING_PER_SLOT = 16;

/**
 * Used when sagas are not started inline: the `order.placed` subscriber starts them as the events arrive, which a
 * drop can outpace by far. This starts the saga right after the order commits, in the background and at most
 * `maxInFlight` at a time, so orders reach PAYMENT_PENDING promptly while placing an order does not wait for the
 * saga runner's commits. Starts over the bound wait for a free slot (in order, up to 16 per slot), and those
 * launched together reach the runner in the same event-loop turn, where runners that group starts share one
 * transaction among them. It is only a head start: starting is idempotent per order, and a skipped, failed or
 * interrupted start is still made by the subscriber, which remains the guarantee.
 */
export function createSagaHeadStart(ports: Pick<CorePorts, 'sagaRunner' | 'logger'>, maxInFlight: number): SagaHeadStart {
  let inFlight = 0;
  const waiting: Order[] = [];
  const maxWaiting = maxInFlight * WAITING_PER_SLOT;

  const launch = (order: Order): void => {
    inFlight += 1;
    ports.sagaRunner
      .start({ orderId: order.id, paymentDeadline: order.holdUntil.toISOString() })
      .catch((error: unknown) =>
        ports.logger.debug('saga head start failed; the order.placed subscriber starts it', { orderId: order.id, error }),
      )
      .finally(() => {
        inFlight -= 1;
        const next = waiting.shift();
        if (next) launch(next);
      });
  };

  return (order) => {
    if (inFlight < maxInFlight) launch(order);
    else if (waiting.length < maxWaiting) waiting.push(order);
  };
}
