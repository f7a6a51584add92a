import { isLimitedCartError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import { orderHoldExtendedEvent } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';

export type PaymentHoldDeps = Pick<CorePorts, 'stockGate' | 'unitOfWork' | 'sagaRunner' | 'clock' | 'logger'>;

/** What a payment may count on: the order's hold (possibly just extended), or that it ended. */
export type PaymentHold =
  | { readonly live: true; readonly order: Order }
  /** The hold's time ran out (by the gate's clock, or the order's own `holdUntil`): nothing may be charged. */
  | { readonly live: false; readonly order: Order };

/**
 * Called when a payment of an open order starts (opening the link, or charging a card): gives the order's hold its
 * one grace extension (`StockGate.extendHold`) and, when the hold's end moved, records the new `holdUntil` on the order
 * with an `order.hold-extended` event (one transaction) and moves the saga's payment deadline with it.
 *
 * Every step is idempotent and self-healing: a crash after the gate moved the hold is repaired by the next call, which
 * finds the gate's end later than the order's and records it again. `graceMs` 0, or a gate without `extendHold`,
 * leaves the hold as it is.
 */
export async function holdForPayment(deps: PaymentHoldDeps, order: Order, graceMs: number): Promise<PaymentHold> {
  const now = deps.clock.now().getTime();
  if (graceMs <= 0 || deps.stockGate.extendHold === undefined) {
    return { live: order.holdUntil.getTime() > now, order };
  }
  const extension = await deps.stockGate.extendHold(order.id, graceMs);
  if (!extension.ok) {
    // LAPSED: the gate's clock says the hold is over (the sweep releases it). A hold already COMMITTED, RELEASED or
    // unknown to the gate cannot be paid for either; the order's status says why.
    return { live: false, order };
  }
  if (extension.holdUntil.getTime() <= order.holdUntil.getTime()) return { live: true, order };

  const extended = await deps.unitOfWork.run(async (tx) => {
    const moved = await tx.orders.extendHold(order.id, extension.holdUntil);
    if (moved !== null && moved.holdUntil.getTime() > order.holdUntil.getTime()) {
      await tx.outbox.append([orderHoldExtendedEvent(moved, deps.clock.now())]);
    }
    return moved;
  });
  const current = extended ?? order;
  try {
    await deps.sagaRunner.signal(order.id, { type: 'hold-extended', holdUntil: current.holdUntil.toISOString() });
  } catch (error) {
    // No saga yet: it starts with the order's current holdUntil as its deadline.
    if (!isLimitedCartError(error, 'NOT_FOUND')) throw error;
  }
  deps.logger.info('hold extended for a payment', { orderId: order.id, holdUntil: current.holdUntil.toISOString() });
  return { live: true, order: current };
}
