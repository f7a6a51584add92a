import type { DomainEvent } from '../domain/events.js';
import { isTerminal } from '../domain/order.js';
import { EVENT_TYPES } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import { requireDate, requireObject, requireString } from './validate.js';

export type StartSagaDeps = Pick<CorePorts, 'sagaRunner' | 'orders' | 'stockGate' | 'logger'>;

export type StartSagaResult =
  | { readonly started: boolean }
  /**
   * The order is gone or already ended (e.g. cancelled while its saga start was lost), or its hold lapsed before
   * its saga could start (the saga engine was down): nothing to run, the expiry sweep ends it.
   */
  | { readonly started: false; readonly skipped: 'ORDER_NOT_FOUND' | 'ORDER_ENDED' | 'HOLD_LAPSED' };

export interface StartSagaOptions {
  /**
   * Whether the processes that place orders give sagas a head start (`config.sagaHeadStarts > 0`), so that the saga
   * of nearly every event already runs. Default true: one look at the saga settles those events without reading the
   * order. With false the look would find nothing for nearly every event and cost the saga engine a call per order
   * (on Temporal, a describe on the server that also runs the sagas): the order is read and the idempotent start is
   * asked at once.
   */
  readonly headStartsRun?: boolean;
}

/**
 * The `order.placed` handler: starts the order's saga. Idempotent (the saga id is the order id), so it is
 * safe under redelivery and alongside the head start in the process that placed the order. Events of other types are ignored, which
 * lets it subscribe to the whole orders topic.
 */
export async function startSagaForPlacedOrder(
  deps: StartSagaDeps,
  event: DomainEvent,
  options: StartSagaOptions = {},
): Promise<StartSagaResult> {
  if (event.type !== EVENT_TYPES.orderPlaced) return { started: false };
  const payload = requireObject(event.payload, 'event.payload');
  const orderId = requireString(payload.orderId, 'event.payload.orderId');
  const holdUntil = requireDate(payload.holdUntil, 'event.payload.holdUntil');

  if (options.headStartsRun !== false) {
    // Nearly always the head start ran already: one look at the saga settles it, without reading the order or
    // asking for a second start.
    const runner = deps.sagaRunner;
    const exists = runner.exists ? await runner.exists(orderId) : (await runner.describe(orderId)) !== null;
    if (exists) return { started: false };
  }

  const order = await deps.orders.get(orderId);
  if (order === null) {
    deps.logger.warn('order.placed for an unknown order ignored', { orderId, eventId: event.id });
    return { started: false, skipped: 'ORDER_NOT_FOUND' };
  }
  // A saga started for an ended order would only fail its first step; the order's stock is settled already.
  if (isTerminal(order.status)) return { started: false, skipped: 'ORDER_ENDED' };
  // Its window passed before its saga could start (the start failed while the saga engine was down and is retried
  // now): the sweep released the unit already and ends the order EXPIRED, as it does every PENDING order whose hold
  // it released. A saga started now would only queue behind the sagas that still matter, and fail. The gate's
  // state decides, not this process's clock.
  if ((await deps.stockGate.holdState(orderId)) === 'RELEASED') return { started: false, skipped: 'HOLD_LAPSED' };

  // The order's own holdUntil is later than the event's when a payment already extended the hold.
  const deadline = order.holdUntil.getTime() > holdUntil.getTime() ? order.holdUntil : holdUntil;
  const { started } = await deps.sagaRunner.start({ orderId, paymentDeadline: deadline.toISOString() });
  return { started };
}
