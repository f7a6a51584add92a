import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { money } from '../src/domain/money.js';
import { createManualClock } from '../src/memory/clock.js';
import { createMemoryPaymentGateway, TEST_CARDS } from '../src/memory/payment-gateway.js';
import { createMemoryStockGate } from '../src/memory/stock-gate.js';
import { createMemoryStores } from '../src/memory/stores/index.js';
import { CompensationStack } from '../src/saga/compensation.js';
import { isRetryableError } from '../src/saga/retry.js';
import { createOrderSagaActivities } from '../src/saga-activities.js';

describe('CompensationStack', () => {
  it('unwinds newest first and empties itself', async () => {
    const stack = new CompensationStack();
    const order: string[] = [];
    for (const name of ['a', 'b', 'c']) stack.push(name, async () => order.push(name));
    expect(stack.size).toBe(3);
    expect(await stack.unwind()).toEqual([]);
    expect(order).toEqual(['c', 'b', 'a']);
    expect(stack.size).toBe(0);
    expect(await stack.unwind()).toEqual([]);
    expect(order).toHaveLength(3);
  });

  it('keeps unwinding past a failure and reports every failure', async () => {
    const stack = new CompensationStack();
    const ran: string[] = [];
    stack.push('release stock', async () => ran.push('release stock'));
    stack.push('refund payment', async () => {
      throw new Error('gateway down');
    });
    stack.push('notify', async () => {
      throw 'plain string';
    });
    expect(await stack.unwind()).toEqual(['notify: plain string', 'refund payment: gateway down']);
    expect(ran).toEqual(['release stock']);
  });

  it('clear drops undos that no longer apply', async () => {
    const stack = new CompensationStack();
    let ran = false;
    stack.push('release stock', async () => {
      ran = true;
    });
    stack.clear();
    expect(await stack.unwind()).toEqual([]);
    expect(ran).toBe(false);
  });
});

/** The compensating activities against real in-memory ports. */
describe('compensating activities', () => {
  const world = async () => {
    const stores = createMemoryStores();
    const gate = createMemoryStockGate();
    const paymentGateway = createMemoryPaymentGateway();
    const activities = createOrderSagaActivities({
      orders: stores.orders,
      unitOfWork: stores.unitOfWork,
      stockGate: gate,
      payments: stores.payments,
      paymentGateway,
      clock: createManualClock(new Date('2030-01-01T00:00:00Z')),
    });
    const customer = await stores.customers.create({ email: `${randomUUID()}@example.test`, passwordHash: 'x', roles: ['USER'] });
    const product = await stores.products.create({
      name: 'Drop',
      description: 'limited',
      price: money(500),
      maxQuantityPerCustomer: 0,
      active: true,
    });
    await gate.restock(product.sku, 5, randomUUID());
    const orderId = randomUUID();
    const holdUntil = new Date('2030-01-01T01:00:00Z');
    await gate.reserve({ sku: product.sku, qty: 2, orderId, customerId: customer.id, limitPerCustomer: 0, holdUntil });
    await stores.orders.create({
      id: orderId,
      customerId: customer.id,
      productId: product.id,
      sku: product.sku,
      quantity: 2,
      unitPrice: product.price,
      total: money(1000),
      holdUntil,
    });
    const capture = async () => {
      const payment = await stores.payments.create({
        id: randomUUID(),
        orderId,
        customerId: customer.id,
        amount: money(1000),
        token: randomUUID(),
      });
      const charge = await paymentGateway.charge({
        paymentId: payment.id,
        amount: payment.amount,
        card: { number: TEST_CARDS.succeeds, expMonth: 1, expYear: 2099, cvc: '123', holder: 'A' },
      });
      if (charge.outcome !== 'succeeded') throw new Error('test card must succeed');
      await stores.payments.setStatus(payment.id, ['INITIATED'], 'SUCCEEDED', { gatewayReference: charge.reference });
      return payment.id;
    };
    return { stores, gate, paymentGateway, activities, orderId, sku: product.sku, capture };
  };

  it('releaseStock is idempotent and leaves a committed hold alone', async () => {
    const w = await world();
    await w.activities.releaseStock(w.orderId);
    await w.activities.releaseStock(w.orderId);
    expect(await w.gate.snapshot(w.sku)).toMatchObject({ available: 5, held: 0, sold: 0 });

    const other = await world();
    expect(await other.activities.commitStock(other.orderId)).toBe(true);
    await other.activities.releaseStock(other.orderId);
    expect(await other.gate.snapshot(other.sku)).toMatchObject({ available: 3, held: 0, sold: 2 });
  });

  it('commitStock reports a hold that is gone', async () => {
    const w = await world();
    await w.gate.release(w.orderId);
    expect(await w.activities.commitStock(w.orderId)).toBe(false);
    expect(await w.activities.commitStock(randomUUID())).toBe(false);
  });

  it('refundPayment marks the payment refunded and refunds at the gateway once', async () => {
    const w = await world();
    const paymentId = await w.capture();
    await w.activities.refundPayment(w.orderId, paymentId);
    await w.activities.refundPayment(w.orderId, paymentId);
    expect((await w.stores.payments.get(paymentId))?.status).toBe('REFUNDED');
    expect(w.paymentGateway.refunds().map((r) => r.paymentId)).toEqual([paymentId]);
    expect(w.paymentGateway.refunds()[0]?.amount).toEqual(money(1000));
  });

  it('refundPayment never refunds the payment that confirmed the order', async () => {
    const w = await world();
    const kept = await w.capture();
    await w.activities.markPaymentPending(w.orderId);
    await w.activities.commitStock(w.orderId);
    await w.activities.confirmOrder(w.orderId);
    await w.activities.refundPayment(w.orderId, kept);
    expect((await w.stores.payments.get(kept))?.status).toBe('SUCCEEDED');
    const extra = await w.capture();
    await w.activities.refundPayment(w.orderId, extra);
    expect((await w.stores.payments.get(extra))?.status).toBe('REFUNDED');
    expect(w.paymentGateway.refunds().map((r) => r.paymentId)).toEqual([extra]);
  });

  it('refundPayment ignores payments that were never captured or belong to another order', async () => {
    const w = await world();
    await w.activities.refundPayment(w.orderId, randomUUID());
    const other = await world();
    const foreign = await other.capture();
    await w.activities.refundPayment(w.orderId, foreign);
    expect((await other.stores.payments.get(foreign))?.status).toBe('SUCCEEDED');
    expect(w.paymentGateway.refunds()).toEqual([]);
  });

  it('order transitions are idempotent and emit one progress event each', async () => {
    const w = await world();
    await w.activities.markPaymentPending(w.orderId);
    await w.activities.markPaymentPending(w.orderId);
    await w.activities.endOrder(w.orderId, 'CANCELLED', 'bye');
    await w.activities.endOrder(w.orderId, 'CANCELLED', 'bye');
    const events = (await w.stores.outbox.claimUnshipped(100, 60_000)).map((r) => r.event);
    const progress = events.filter((e) => e.type === 'order.progress' && e.aggregateId === w.orderId);
    expect(progress.map((e) => [e.topic, e.payload.status, e.payload.reason])).toEqual([
      ['orders', 'PAYMENT_PENDING', null],
      ['orders', 'CANCELLED', 'bye'],
    ]);
    expect(progress[1]?.payload).toMatchObject({ orderId: w.orderId, at: '2030-01-01T00:00:00.000Z' });
    expect((await w.stores.orders.get(w.orderId))?.status).toBe('CANCELLED');
  });

  it('an illegal transition is a non-retryable failure', async () => {
    const w = await world();
    await w.activities.endOrder(w.orderId, 'EXPIRED', 'too late');
    const error = await w.activities.confirmOrder(w.orderId).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    expect(isRetryableError(error)).toBe(false);
    const missing = await w.activities.markPaymentPending(randomUUID()).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'NOT_FOUND' });
    expect(isRetryableError(missing)).toBe(false);
  });
});
