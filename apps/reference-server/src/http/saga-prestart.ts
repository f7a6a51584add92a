import type { Logger, Order, SagaRunner } from '@limitedcart/core';

/** Starts an accepted order's saga without holding up the response; see `createSagaPrestart`. */
export type SagaPrestart = (order: Order) => void;

export interface SagaPrestartOptions {
  /** Starts running at once; beyond this, orders are left to the `order.placed` subscriber. Default 32. */
  readonly maxInFlight?: number;
}

/**
 * Used when the engine does not start sagas inline: the `order.placed` subscriber starts them, one event at a
 * time, which a drop can outpace by far. This starts the saga right after the 202 in the background, a bounded
 * number at a time, so orders reach PAYMENT_PENDING promptly while the response does not wait for the saga
 * runner's commits. It is only a head start: the start is idempotent per order, and a skipped, failed or
 * interrupted one is still made by the subscriber, which remains the guarantee.
 */
export function createSagaPrestart(runner: SagaRunner, logger: Logger, options: SagaPrestartOptions = {}): SagaPrestart {
  const maxInFlight = options.maxInFlight ?? 32;
  let inFlight = 0;
  return (order) => {
    if (inFlight >= maxInFlight) return;
    inFlight += 1;
    runner
      .start({ orderId: order.id, paymentDeadline: order.holdUntil.toISOString() })
      .catch((error: unknown) => logger.debug('saga head start failed; the order.placed subscriber starts it', { orderId: order.id, error }))
      .finally(() => {
        inFlight -= 1;
      });
  };
}
