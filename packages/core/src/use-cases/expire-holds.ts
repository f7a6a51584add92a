import type { Order } from '../domain/order.js';
import type { CorePorts } from '../ports/core-ports.js';
import { endOrderWithoutSaga } from './end-order-without-saga.js';

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
 * The "no zombie reservations" sweep. The gate releases every hold past its holdUntil by the gate's own clock;
 * then every open order whose hold is released and that has no running saga is ended EXPIRED, so no order waits
 * forever on a saga that vanished.
 *
 * No decision here reads this process's clock: a worker whose clock runs ahead would otherwise end orders whose
 * holds are live and let their units be sold again. The gate alone says when a hold has lapsed: the holds it
 * releases now, and PENDING orders whose hold it reports RELEASED (released by an earlier sweep that crashed
 * before ending them). Orders with a running saga are left to it: its deadline fires on the database's clock too.
 */
export async function expireHolds(deps: ExpireHoldsDeps): Promise<ExpireHoldsResult> {
  const released = await deps.stockGate.expire();

  const candidates = new Map<string, Order>();
  for (const orderId of released) {
    const order = await deps.orders.get(orderId);
    if (order !== null) candidates.set(order.id, order);
  }
  const stale = await deps.orders.list({ status: 'PENDING', page: 0, size: STALE_SCAN_SIZE });
  for (const order of stale.items) {
    if (candidates.has(order.id)) continue;
    // One point read per PENDING order, one at a time: they are few outside the first moments of a drop.
    if ((await deps.stockGate.holdState(order.id)) === 'RELEASED') candidates.set(order.id, order);
  }

  const expired: string[] = [];
  for (const order of candidates.values()) {
    if (order.status !== 'PENDING' && order.status !== 'PAYMENT_PENDING') continue;
    let saga: Awaited<ReturnType<typeof deps.sagaRunner.describe>>;
    try {
      saga = await deps.sagaRunner.describe(order.id);
    } catch (error) {
      // The saga engine cannot say (it is down): leave this order for a later sweep (a PENDING one is found again by
      // the stale scan) and go on with the others; the holds were released above either way.
      deps.logger.warn('expiry sweep: saga state unknown, order left for a later sweep', { orderId: order.id, error });
      continue;
    }
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
