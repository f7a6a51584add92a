import type { Order } from '../domain/order.js';
import type { CorePorts } from '../ports/core-ports.js';

/** Starts accepted orders' sagas without making the caller wait; see `createSagaHeadStart`. */
export interface SagaHeadStart {
  start(order: Order): void;
  /** Stops taking new starts and waits for those in flight (the engine calls it before closing the runner). */
  drain(): Promise<void>;
}

/** Starts waiting for a free slot, per slot: beyond that a burst is left to the `order.placed` subscriber. */
const WAITING_PER_SLOT = 16;

/**
 * The `order.placed` subscriber starts every saga, but a drop can outpace its delivery by far. This starts the saga
 * right after the order commits, in the background of the process that accepted it and at most `maxInFlight` at a
 * time, so orders reach PAYMENT_PENDING promptly while placing an order never waits for the saga runner. Starts over
 * the bound wait for a free slot (in order, up to 16 per slot), and those launched together reach the runner in the
 * same event-loop turn, where runners that group starts share one transaction among them. It is only a head start:
 * starting is idempotent per order, and a skipped, failed or interrupted start is still made by the subscriber.
 */
export function createSagaHeadStart(ports: Pick<CorePorts, 'sagaRunner' | 'logger'>, maxInFlight: number): SagaHeadStart {
  const inFlight = new Set<Promise<void>>();
  const waiting: Order[] = [];
  const maxWaiting = maxInFlight * WAITING_PER_SLOT;
  let draining = false;

  const launch = (order: Order): void => {
    const started: Promise<void> = ports.sagaRunner
      .start({ orderId: order.id, paymentDeadline: order.holdUntil.toISOString() })
      .then(
        () => undefined,
        (error: unknown) =>
          ports.logger.debug('saga head start failed; the order.placed subscriber starts it', { orderId: order.id, error }),
      )
      .finally(() => {
        inFlight.delete(started);
        const next = waiting.shift();
        if (next && !draining) launch(next);
      });
    inFlight.add(started);
  };

  return {
    start(order) {
      if (draining || maxInFlight === 0) return;
      if (inFlight.size < maxInFlight) launch(order);
      else if (waiting.length < maxWaiting) waiting.push(order);
    },
    async drain() {
      draining = true;
      // What was waiting is left to the subscriber, which starts it from the committed `order.placed`.
      waiting.length = 0;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
