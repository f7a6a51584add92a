import type { Order } from '../domain/order.js';
import type { CorePorts } from '../ports/core-ports.js';

/** Starts an accepted order's saga without making the caller wait; see `createSagaHeadStart`. */
export type SagaHeadStart = (order: Order) => void;

/**
 * Used when sagas are not started inline: the `order.placed` subscriber starts them one event at a time, which a
 * drop can outpace by far. This starts the saga right after the order commits, in the background and at most
 * `maxInFlight` at a time, so orders reach PAYMENT_PENDING promptly while placing an order does not wait for the
 * saga runner's commits. It is only a head start: starting is idempotent per order, and a skipped, failed or
 * interrupted start is still made by the subscriber, which remains the guarantee.
 */
export function createSagaHeadStart(ports: Pick<CorePorts, 'sagaRunner' | 'logger'>, maxInFlight: number): SagaHeadStart {
  let inFlight = 0;
  return (order) => {
    if (inFlight >= maxInFlight) return;
    inFlight += 1;
    ports.sagaRunner
      .start({ orderId: order.id, paymentDeadline: order.holdUntil.toISOString() })
      .catch((error: unknown) =>
        ports.logger.debug('saga head start failed; the order.placed subscriber starts it', { orderId: order.id, error }),
      )
      .finally(() => {
        inFlight -= 1;
      });
  };
}
