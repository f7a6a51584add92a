import { LimitedCartError } from './domain/errors.js';
import type { OrderStatus } from './domain/order.js';
import { orderProgressEvent } from './events/builders.js';
import type { Clock, Logger, PaymentGateway } from './ports/small-ports.js';
import type { StockGate } from './ports/stock-gate.js';
import type { OrderStore, PaymentStore, UnitOfWork } from './ports/stores.js';
import type { OrderSagaActivities } from './saga/activities.js';

export interface OrderSagaActivityPorts {
  /** Read access outside transactions (the refund guard reads the order). */
  readonly orders: OrderStore;
  readonly unitOfWork: UnitOfWork;
  readonly stockGate: StockGate;
  readonly payments: PaymentStore;
  readonly paymentGateway: PaymentGateway;
  readonly clock: Clock;
  readonly logger?: Logger;
}

/**
 * The production order-saga activities, bound to the engine's ports. Every activity is idempotent:
 * runners may call it again after a crash or a retry.
 *
 * Infrastructure errors from the ports pass through untouched; `isRetryableError` treats them as retryable.
 * Business impossibilities (unknown order, illegal transition) throw non-retryable `LimitedCartError`s.
 */
export const createOrderSagaActivities = (ports: OrderSagaActivityPorts): OrderSagaActivities => {
  const { orders, unitOfWork, stockGate, payments, paymentGateway, clock, logger } = ports;

  /**
   * Moves the order and appends its `order.progress` event in one transaction, so a subscriber never sees a
   * status the database does not have. An order already in `to` counts as done: the activity is re-run
   * after a crash between the commit and the runner recording the result.
   */
  const transition = async (orderId: string, to: OrderStatus, reason: string | null): Promise<void> => {
    const result = await unitOfWork.transitionOrder(orderId, to, reason, (order) => [orderProgressEvent(order, clock.now())]);
    if (!result.ok && result.reason === 'NOT_FOUND') {
      throw new LimitedCartError('NOT_FOUND', `order ${orderId} not found`, { details: { orderId } });
    }
    if (!result.ok && result.current !== to) {
      throw new LimitedCartError('ILLEGAL_TRANSITION', `order ${orderId} cannot move from ${result.current} to ${to}`, {
        details: { orderId, from: result.current, to },
      });
    }
    logger?.debug('order transition', { orderId, to, reason });
  };

  return {
    markPaymentPending: (orderId) => transition(orderId, 'PAYMENT_PENDING', null),

    async commitStock(orderId) {
      const outcome = await stockGate.commit(orderId);
      if (outcome.ok) return true;
      logger?.warn('stock hold lost before commit', { orderId, state: outcome.state });
      return false;
    },

    async releaseStock(orderId) {
      const outcome = await stockGate.release(orderId);
      if (!outcome.ok && outcome.state === 'COMMITTED') {
        logger?.warn('release of a committed hold ignored', { orderId });
      }
    },

    confirmOrder: (orderId) => transition(orderId, 'CONFIRMED', null),

    endOrder: (orderId, status, reason) => transition(orderId, status, reason),

    async refundPayment(orderId, paymentId) {
      const payment = await payments.get(paymentId);
      if (payment === null || payment.orderId !== orderId) {
        // Nothing of ours was captured under this id: there is nothing to give back.
        logger?.warn('refund of an unknown payment ignored', { orderId, paymentId });
        return;
      }
      if (payment.status === 'SUCCEEDED') {
        // A duplicate "payment succeeded" for the payment that confirmed the order must never refund it.
        const order = await orders.get(orderId);
        if (order?.status === 'CONFIRMED') {
          const captured = (await payments.listByOrder(orderId)).filter((p) => p.status === 'SUCCEEDED');
          if (captured.length <= 1) {
            logger?.warn('refund of the payment that confirmed the order refused', { orderId, paymentId });
            return;
          }
        }
        await payments.setStatus(paymentId, ['SUCCEEDED'], 'REFUNDED');
      }
      const current = payment.status === 'SUCCEEDED' ? await payments.get(paymentId) : payment;
      if (current?.status !== 'REFUNDED') {
        logger?.info('refund skipped: payment was not captured', { orderId, paymentId, status: current?.status });
        return;
      }
      // Called again on every retry: the gateway's refund is idempotent per payment id.
      await paymentGateway.refund({ paymentId, reference: current.gatewayReference ?? '', amount: current.amount });
      logger?.info('payment refunded', { orderId, paymentId });
    },
  };
};
