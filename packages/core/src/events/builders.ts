import type { AccountChangedPayload, DomainEvent, OrderPlacedPayload, OrderProgressPayload, ProductChangedPayload } from '../domain/events.js';
import { TOPICS } from '../domain/events.js';
import { newId } from '../domain/ids.js';
import type { NewOrder, Order } from '../domain/order.js';

/** The `type` of every event core emits. */
export const EVENT_TYPES = {
  orderPlaced: 'order.placed',
  orderProgress: 'order.progress',
  /** The order's hold was extended (a payment started near its end); the status did not change. */
  orderHoldExtended: 'order.hold-extended',
  /** A payment attempt of the order failed; the order stays payable until `holdUntil`. */
  orderPaymentFailed: 'order.payment-failed',
  productChanged: 'product.changed',
  accountChanged: 'account.changed',
} as const;

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** `order.placed`: starts the order's saga. Built before the order row is written, so it commits with it. */
export const orderPlacedEvent = (order: NewOrder, at: Date): DomainEvent<OrderPlacedPayload> => ({
  id: newId(),
  topic: TOPICS.orders,
  type: EVENT_TYPES.orderPlaced,
  aggregateId: order.id,
  payload: {
    orderId: order.id,
    customerId: order.customerId,
    sku: order.sku,
    quantity: order.quantity,
    holdUntil: order.holdUntil.toISOString(),
  },
  occurredAt: at.toISOString(),
});

/** A failed payment attempt, as `order.payment-failed` reports it. */
export interface PaymentFailureNote {
  readonly paymentId: string;
  /** DECLINED (the card was refused) or ERROR (the gateway failed). */
  readonly status: 'DECLINED' | 'ERROR';
  readonly reason: string;
}

/**
 * `order.progress`: a status transition of the order, with its hold end, pushed to its owner. Occurs at the order's
 * last update by default.
 */
export const orderProgressEvent = (order: Order, at: Date = order.updatedAt): DomainEvent<OrderProgressPayload> => ({
  id: newId(),
  topic: TOPICS.orders,
  type: EVENT_TYPES.orderProgress,
  aggregateId: order.id,
  payload: {
    orderId: order.id,
    customerId: order.customerId,
    status: order.status,
    reason: order.statusReason,
    holdUntil: order.holdUntil.toISOString(),
    at: at.toISOString(),
  },
  occurredAt: at.toISOString(),
});

/** What the two order notices below carry: the order's current status and hold end. */
const orderNotice = (type: string, order: Order, at: Date, extra: Record<string, unknown> = {}): DomainEvent<OrderProgressPayload> => ({
  id: newId(),
  topic: TOPICS.orders,
  type,
  aggregateId: order.id,
  payload: {
    orderId: order.id,
    customerId: order.customerId,
    status: order.status,
    reason: order.statusReason,
    holdUntil: order.holdUntil.toISOString(),
    ...extra,
    at: at.toISOString(),
  },
  occurredAt: at.toISOString(),
});

/** `order.hold-extended`: the order's hold got its payment grace; `holdUntil` is the new end. Not a transition. */
export const orderHoldExtendedEvent = (order: Order, at: Date): DomainEvent<OrderProgressPayload> =>
  orderNotice(EVENT_TYPES.orderHoldExtended, order, at);

/**
 * `order.payment-failed`: a payment attempt was declined or met a gateway error. Not a transition: the order stays
 * payable until `holdUntil`.
 */
export const orderPaymentFailedEvent = (order: Order, failure: PaymentFailureNote, at: Date): DomainEvent<OrderProgressPayload> =>
  orderNotice(EVENT_TYPES.orderPaymentFailed, order, at, { paymentFailure: { ...failure } });

/** `product.changed`: caches and the search index refresh the product. */
export const productChangedEvent = (
  productId: string,
  change: ProductChangedPayload['change'],
  at: Date = new Date(),
): DomainEvent<ProductChangedPayload> => ({
  id: newId(),
  topic: TOPICS.products,
  type: EVENT_TYPES.productChanged,
  aggregateId: productId,
  payload: { productId, change },
  occurredAt: at.toISOString(),
});

/** `account.changed`: every api process forgets what it cached about the account's sessions and roles. */
export const accountChangedEvent = (
  customerId: string,
  change: AccountChangedPayload['change'],
  at: Date = new Date(),
  sessionIds?: readonly string[],
): DomainEvent<AccountChangedPayload> => ({
  id: newId(),
  topic: TOPICS.accounts,
  type: EVENT_TYPES.accountChanged,
  aggregateId: customerId,
  payload: { customerId, change, ...(sessionIds === undefined ? {} : { sessionIds: [...sessionIds] }) },
  occurredAt: at.toISOString(),
});
