import type { EndStatus, OrderSagaActivities } from '@limitedcart/core/saga';
import { LimitedCartError } from '@limitedcart/core';

export interface FakeOrder {
  status: 'PENDING' | 'PAYMENT_PENDING' | 'CONFIRMED' | EndStatus;
  reason: string | null;
  hold: 'held' | 'sold' | 'released';
}

/**
 * Order-saga activities over an in-memory order book, recording every call. Idempotent like the production
 * activities; `failNext` injects faults.
 */
export class FakeActivities implements OrderSagaActivities {
  readonly orders = new Map<string, FakeOrder>();
  readonly calls: { name: keyof OrderSagaActivities; args: unknown[] }[] = [];
  readonly refunds: { orderId: string; paymentId: string }[] = [];
  readonly #faults = new Map<string, Error[]>();

  /** Registers an order with a stock hold, as `placeOrder` would have. */
  place(orderId: string): void {
    this.orders.set(orderId, { status: 'PENDING', reason: null, hold: 'held' });
  }

  /** The next calls of `name` for `orderId` throw these errors, in order. */
  failNext(name: keyof OrderSagaActivities, orderId: string, ...errors: Error[]): void {
    this.#faults.set(`${name}:${orderId}`, errors);
  }

  callsOf(name: keyof OrderSagaActivities, orderId: string): number {
    return this.calls.filter((call) => call.name === name && call.args[0] === orderId).length;
  }

  #enter(name: keyof OrderSagaActivities, args: unknown[]): FakeOrder {
    this.calls.push({ name, args });
    const orderId = String(args[0]);
    const fault = this.#faults.get(`${name}:${orderId}`)?.shift();
    if (fault !== undefined) throw fault;
    const order = this.orders.get(orderId);
    if (order === undefined) throw new LimitedCartError('NOT_FOUND', `order ${orderId} not found`);
    return order;
  }

  #transition(order: FakeOrder, orderId: string, to: FakeOrder['status'], reason: string | null): void {
    if (order.status === to) return;
    const open = order.status === 'PENDING' || order.status === 'PAYMENT_PENDING';
    if (!open) throw new LimitedCartError('ILLEGAL_TRANSITION', `order ${orderId} is ${order.status}, not ${to}`);
    order.status = to;
    order.reason = reason;
  }

  async markPaymentPending(orderId: string): Promise<void> {
    this.#transition(this.#enter('markPaymentPending', [orderId]), orderId, 'PAYMENT_PENDING', null);
  }

  async commitStock(orderId: string): Promise<boolean> {
    const order = this.#enter('commitStock', [orderId]);
    if (order.hold === 'released') return false;
    order.hold = 'sold';
    return true;
  }

  async releaseStock(orderId: string): Promise<void> {
    const order = this.#enter('releaseStock', [orderId]);
    if (order.hold === 'held') order.hold = 'released';
  }

  async confirmOrder(orderId: string): Promise<void> {
    this.#transition(this.#enter('confirmOrder', [orderId]), orderId, 'CONFIRMED', null);
  }

  async endOrder(orderId: string, status: EndStatus, reason: string): Promise<void> {
    this.#transition(this.#enter('endOrder', [orderId, status, reason]), orderId, status, reason);
  }

  async refundPayment(orderId: string, paymentId: string): Promise<void> {
    this.#enter('refundPayment', [orderId, paymentId]);
    if (!this.refunds.some((refund) => refund.paymentId === paymentId)) this.refunds.push({ orderId, paymentId });
  }
}
