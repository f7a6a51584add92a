import type { Order } from '../domain/order.js';
import { endOrderWithoutSaga } from './end-order-without-saga.js';
import type { CorePorts } from '../ports/core-ports.js';

export type ExpireHoldsDeps = Pick<CorePorts, 'stockGate' | 'orders' | 'sagaRunner' | 'unitOfWork' | 'clock' | 'logger'>;

export interface ExpireHoldsResult {
  /** Orders whose lapsed hold the gate released in this sweep. */
  readonly released: readonly string[];
  /** Orders this sweep ended as EXPIRED because no saga was left to end them. */
  readonly expired: readonly string[];
}

/** Stale PENDING orders examined per sweep; normally there are none, the cap bounds a bad day. */
const STALE_SCAN_SIZE = 200;

/**
 * The "no zombie reservations" sweep. The gate releases every hold past its holdUntil; then every open
 * order left without a running saga is ended EXPIRED, so no order waits forever on a saga that vanished.
 *
 * Orders with a running saga are left to it: its own deadline fires at the same instant and ends them.
 * Besides the holds released now, the sweep re-examines PENDING orders past their hold (released by an
 * earlier sweep that crashed before ending them).
 */
export async function expireHolds(deps: ExpireHoldsDeps): Promise<ExpireHoldsResult> {
  const now = deps.clock.now();
  const released = await deps.stockGate.expire(now);

  const candidates = new Map<string, Order>();
  for (const orderId of released) {
    const order = await deps.orders.get(orderId);
    if (order !== null) candidates.set(order.id, order);
  }
  const stale = await deps.orders.list({ status: 'PENDING', page: 0, size: STALE_SCAN_SIZE });
  for (const order of stale.items) {
    if (order.holdUntil <= now) candidates.set(order.id, order);
  }

  const expired: string[] = [];
  for (const order of candidates.values()) {
    if (order.status !== 'PENDING' && order.status !== 'PAYMENT_PENDING') continue;
    const saga = await deps.sagaRunner.describe(order.id);
    if (saga?.status === 'RUNNING') continue;
    const ended = await endOrderWithoutSaga(deps, order.id, 'EXPIRED', 'payment window elapsed without a saga');
    if (ended.ok) {
      expired.push(order.id);
      deps.logger.warn('order expired by the sweep: its saga was missing or had ended', {
        orderId: order.id,
        saga: saga?.status ?? null,
      });
    }
  }
  return { released, expired };
}
