import { describe, expect, it } from 'vitest';
import { isLimitedCartError } from '../src/domain/errors.js';
import type { Order } from '../src/domain/order.js';
import { TEST_CARDS } from '../src/memory/payment-gateway.js';
import { cancelOrder } from '../src/use-cases/cancel-order.js';
import { handlePaymentResult } from '../src/use-cases/handle-payment-result.js';
import { initiatePayment } from '../src/use-cases/initiate-payment.js';
import { placeOrder } from '../src/use-cases/place-order.js';
import type { Actor } from '../src/use-cases/ports.js';
import { processPayment } from '../src/use-cases/process-payment.js';
import {
  admin,
  expectStockInvariant,
  manualClock,
  memoryPorts,
  outboxEvents,
  seedProduct,
  shopper,
  type TestPorts,
  waitForStatus,
} from './use-cases-fixture.js';

interface World {
  readonly deps: TestPorts;
  readonly owner: Actor;
  readonly order: Order;
}

/** An order placed with its saga running and waiting for payment. */
async function awaitingPayment(options: { startSaga?: boolean; quantity?: number } = {}): Promise<World> {
  const deps = memoryPorts();
  const owner = shopper();
  const product = await seedProduct(deps, { stock: 5, price: 2_500 });
  const placed = await placeOrder(deps, { customerId: owner.customerId, productId: product.id, quantity: options.quantity ?? 2 });
  if (!placed.ok) throw new Error(`not placed: ${placed.reason}`);
  if (options.startSaga ?? true) {
    await deps.sagaRunner.start({ orderId: placed.order.id, paymentDeadline: placed.order.holdUntil.toISOString() });
    await waitForStatus(deps, placed.order.id, 'PAYMENT_PENDING');
  }
  return { deps, owner, order: placed.order };
}

async function paymentFor({ deps, owner, order }: World): Promise<string> {
  const started = await initiatePayment(deps, { orderId: order.id, actor: owner });
  if (!started.ok) throw new Error('not payable');
  return started.paymentId;
}

describe('initiatePayment', () => {
  it('opens a payment for the owner, for the order total, behind an unguessable token', async () => {
    const world = await awaitingPayment({ quantity: 2 });
    const first = await initiatePayment(world.deps, { orderId: world.order.id, actor: world.owner });

    expect(first).toMatchObject({ ok: true, amount: { amount: 5_000, currency: 'USD' }, existing: false });
    if (!first.ok) return;
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await world.deps.payments.get(first.paymentId)).toMatchObject({
      orderId: world.order.id,
      customerId: world.owner.customerId,
      status: 'INITIATED',
      amount: world.order.total,
    });
    expect(await world.deps.payments.getByToken(first.token)).toMatchObject({ id: first.paymentId });
  });

  it('keeps one live payment per order: asking again, even concurrently, returns it, also once it was captured', async () => {
    const world = await awaitingPayment();
    const attempts = await Promise.all(Array.from({ length: 5 }, () => initiatePayment(world.deps, { orderId: world.order.id, actor: world.owner })));
    const ids = new Set(attempts.map((attempt) => (attempt.ok ? attempt.paymentId : null)));
    expect(ids.size).toBe(1);
    expect(attempts.filter((attempt) => attempt.ok && !attempt.existing)).toHaveLength(1);
    expect(await world.deps.payments.listByOrder(world.order.id)).toHaveLength(1);

    const [paymentId] = [...ids];
    await handlePaymentResult(world.deps, { paymentId: paymentId!, outcome: 'succeeded', reference: 'ref-1' });
    expect(await initiatePayment(world.deps, { orderId: world.order.id, actor: world.owner })).toMatchObject({ ok: true, paymentId, existing: true });
  });

  it('answers NOT_FOUND to anyone but the owner, administrators included', async () => {
    const world = await awaitingPayment();
    for (const actor of [shopper(), admin()]) {
      await expect(initiatePayment(world.deps, { orderId: world.order.id, actor })).rejects.toSatisfy((error) =>
        isLimitedCartError(error, 'NOT_FOUND'),
      );
    }
    expect(await world.deps.payments.listByOrder(world.order.id)).toEqual([]);
  });

  it('refuses an order that is no longer awaiting payment', async () => {
    const world = await awaitingPayment();
    await cancelOrder(world.deps, { orderId: world.order.id, actor: world.owner });
    await waitForStatus(world.deps, world.order.id, 'CANCELLED');
    expect(await initiatePayment(world.deps, { orderId: world.order.id, actor: world.owner })).toEqual({
      ok: false,
      reason: 'NOT_PAYABLE',
      status: 'CANCELLED',
    });
  });
});

describe('handlePaymentResult', () => {
  it('confirms the order on success and sells the stock', async () => {
    const world = await awaitingPayment({ quantity: 2 });
    const paymentId = await paymentFor(world);

    const result = await handlePaymentResult(world.deps, { paymentId, outcome: 'succeeded', reference: 'ref-1' });

    expect(result).toMatchObject({ applied: true, signal: 'payment-succeeded', delivered: true });
    expect(result.payment).toMatchObject({ status: 'SUCCEEDED', gatewayReference: 'ref-1' });
    await waitForStatus(world.deps, world.order.id, 'CONFIRMED');
    expect(await world.deps.stockGate.snapshot(world.order.sku)).toMatchObject({ sold: 2, held: 0, available: 3 });
    await expectStockInvariant(world.deps, world.order.sku);
  });

  it('is idempotent under webhook redelivery: the order stays confirmed and nothing is refunded', async () => {
    const world = await awaitingPayment();
    const paymentId = await paymentFor(world);
    await handlePaymentResult(world.deps, { paymentId, outcome: 'succeeded', reference: 'ref-1' });
    await waitForStatus(world.deps, world.order.id, 'CONFIRMED');

    const again = await handlePaymentResult(world.deps, { paymentId, outcome: 'succeeded', reference: 'ref-1' });

    expect(again).toMatchObject({ applied: false, signal: 'payment-succeeded' });
    expect(again.payment.status).toBe('SUCCEEDED');
    expect(world.deps.paymentGateway.refunds()).toEqual([]);
    expect(await world.deps.orders.get(world.order.id)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('keeps the order payable after a decline and announces the failure', async () => {
    const world = await awaitingPayment();
    const paymentId = await paymentFor(world);

    const result = await handlePaymentResult(world.deps, { paymentId, outcome: 'declined', reason: 'insufficient funds' });

    expect(result).toMatchObject({ applied: true, signal: 'payment-failed', delivered: true });
    expect(await world.deps.orders.get(world.order.id)).toMatchObject({ status: 'PAYMENT_PENDING' });
    expect(await world.deps.stockGate.holdState(world.order.id)).toBe('HELD');
    const announced = (await outboxEvents(world.deps)).filter(
      (event) => event.type === 'order.payment-failed' && event.aggregateId === world.order.id,
    );
    expect(announced.map((event) => event.payload)).toEqual([
      expect.objectContaining({
        status: 'PAYMENT_PENDING',
        holdUntil: world.order.holdUntil.toISOString(),
        paymentFailure: { paymentId, status: 'DECLINED', reason: 'insufficient funds' },
      }),
    ]);
    // A redelivered decline announces nothing more (each outboxEvents call returns what was added since).
    await handlePaymentResult(world.deps, { paymentId, outcome: 'declined', reason: 'insufficient funds' });
    expect((await outboxEvents(world.deps)).filter((event) => event.type === 'order.payment-failed')).toHaveLength(0);
  });

  it('does not fail the order on a gateway error, and a retry of the same payment can still succeed', async () => {
    const world = await awaitingPayment();
    const paymentId = await paymentFor(world);

    const failed = await handlePaymentResult(world.deps, { paymentId, outcome: 'error', reason: 'timeout' });
    expect(failed).toMatchObject({ applied: true, signal: null, delivered: null, payment: { status: 'ERROR' } });
    expect(await world.deps.orders.get(world.order.id)).toMatchObject({ status: 'PAYMENT_PENDING' });

    const retried = await handlePaymentResult(world.deps, { paymentId, outcome: 'succeeded', reference: 'ref-2' });
    expect(retried).toMatchObject({ applied: true, signal: 'payment-succeeded' });
    await waitForStatus(world.deps, world.order.id, 'CONFIRMED');
  });

  it('refunds a payment that succeeds after the order was cancelled', async () => {
    const world = await awaitingPayment();
    const paymentId = await paymentFor(world);
    await cancelOrder(world.deps, { orderId: world.order.id, actor: world.owner });
    await waitForStatus(world.deps, world.order.id, 'CANCELLED');

    const late = await handlePaymentResult(world.deps, { paymentId, outcome: 'succeeded', reference: 'ref-late' });

    expect(late).toMatchObject({ applied: true, signal: 'payment-succeeded', delivered: false });
    expect(late.payment.status).toBe('REFUNDED');
    expect(world.deps.paymentGateway.refunds()).toEqual([
      { paymentId, reference: 'ref-late', amount: world.order.total },
    ]);
    expect(await world.deps.orders.get(world.order.id)).toMatchObject({ status: 'CANCELLED' });
    await expectStockInvariant(world.deps, world.order.sku);
  });

  it('refunds a late payment for an order that ended without any saga', async () => {
    const world = await awaitingPayment({ startSaga: false });
    const paymentId = await paymentFor(world);
    await cancelOrder(world.deps, { orderId: world.order.id, actor: world.owner });
    expect(await world.deps.sagaRunner.describe(world.order.id)).toBeNull();

    const late = await handlePaymentResult(world.deps, { paymentId, outcome: 'succeeded', reference: 'ref-x' });

    expect(late).toMatchObject({ delivered: false, payment: { status: 'REFUNDED' } });
    expect(world.deps.paymentGateway.refunds().map((refund) => refund.paymentId)).toEqual([paymentId]);
  });

  it('starts a missing saga for an open order before signalling it', async () => {
    const world = await awaitingPayment({ startSaga: false });
    const paymentId = await paymentFor(world);

    const result = await handlePaymentResult(world.deps, { paymentId, outcome: 'succeeded', reference: 'ref-3' });

    expect(result).toMatchObject({ delivered: true });
    await waitForStatus(world.deps, world.order.id, 'CONFIRMED');
  });

  it('ignores a result that conflicts with the recorded one', async () => {
    const world = await awaitingPayment();
    const paymentId = await paymentFor(world);
    await handlePaymentResult(world.deps, { paymentId, outcome: 'declined' });

    const conflicting = await handlePaymentResult(world.deps, { paymentId, outcome: 'error' });
    expect(conflicting).toMatchObject({ applied: false, signal: null, payment: { status: 'DECLINED' } });
  });

  it('throws NOT_FOUND for an unknown payment and VALIDATION for a malformed result', async () => {
    const world = await awaitingPayment();
    await expect(
      handlePaymentResult(world.deps, { paymentId: 'nope', outcome: 'succeeded', reference: 'r' }),
    ).rejects.toSatisfy((error) => isLimitedCartError(error, 'NOT_FOUND'));
    const paymentId = await paymentFor(world);
    for (const input of [
      { paymentId, outcome: 'succeeded' },
      { paymentId, outcome: 'refunded' },
      { paymentId: '', outcome: 'declined' },
    ]) {
      await expect(handlePaymentResult(world.deps, input as never)).rejects.toSatisfy((error) =>
        isLimitedCartError(error, 'VALIDATION'),
      );
    }
    expect(await world.deps.payments.get(paymentId)).toMatchObject({ status: 'INITIATED' });
  });
});

describe('processPayment', () => {
  const card = (number: string) => ({ number, expMonth: 12, expYear: 2030, cvc: '123', holder: 'Test Shopper' });
  const linkFor = async ({ deps, owner, order }: World): Promise<string> => {
    const started = await initiatePayment(deps, { orderId: order.id, actor: owner });
    if (!started.ok) throw new Error('not payable');
    return started.token;
  };

  it('charges the stored amount and records the capture, which confirms the order', async () => {
    const world = await awaitingPayment({ quantity: 2 });
    const token = await linkFor(world);

    const paid = await processPayment(world.deps, { token, card: card(TEST_CARDS.succeeds) });

    expect(paid).toMatchObject({ ok: true, orderId: world.order.id });
    await waitForStatus(world.deps, world.order.id, 'CONFIRMED');
    const [payment] = await world.deps.payments.listByOrder(world.order.id);
    expect(payment).toMatchObject({ status: 'SUCCEEDED', amount: world.order.total });
    expect(await processPayment(world.deps, { token, card: card(TEST_CARDS.succeeds) })).toEqual({
      ok: false,
      reason: 'NOT_PROCESSABLE',
      paymentStatus: 'SUCCEEDED',
    });
    expect(world.deps.paymentGateway.chargeCount()).toBe(1);
  });

  it('charges an order once: concurrent attempts on its link reach the gateway once', async () => {
    const world = await awaitingPayment();
    const token = await linkFor(world);
    const attempts = await Promise.all(Array.from({ length: 5 }, () => processPayment(world.deps, { token, card: card(TEST_CARDS.succeeds) })));
    expect(attempts.filter((attempt) => attempt.ok)).toHaveLength(1);
    expect(attempts.filter((attempt) => !attempt.ok).every((attempt) => !attempt.ok && attempt.reason === 'NOT_PROCESSABLE')).toBe(true);
    expect(world.deps.paymentGateway.chargeCount()).toBe(1);
  });

  it('refuses another payment of a captured order before calling the gateway', async () => {
    const world = await awaitingPayment();
    const token = await linkFor(world);
    expect(await processPayment(world.deps, { token, card: card(TEST_CARDS.succeeds) })).toMatchObject({ ok: true });
    // A second link of the same order, opened before the capture was recorded (or left from before one-per-order).
    const second = await world.deps.payments.create({
      id: 'second-link',
      orderId: world.order.id,
      customerId: world.owner.customerId,
      amount: world.order.total,
      token: 'y'.repeat(43),
    });
    expect(await processPayment(world.deps, { token: second.token, card: card(TEST_CARDS.succeeds) })).toEqual({
      ok: false,
      reason: 'NOT_PROCESSABLE',
      paymentStatus: 'SUCCEEDED',
    });
    expect(world.deps.paymentGateway.chargeCount()).toBe(1);
  });

  it('reports a decline; the same link then pays through a new attempt and confirms the order', async () => {
    const world = await awaitingPayment();
    const token = await linkFor(world);
    const declined = await processPayment(world.deps, { token, card: card(TEST_CARDS.declines) });
    expect(declined).toMatchObject({ ok: false, reason: 'DECLINED', orderId: world.order.id });
    if (declined.ok || declined.reason !== 'DECLINED') return;
    expect(await world.deps.orders.get(world.order.id)).toMatchObject({ status: 'PAYMENT_PENDING' });

    const paid = await processPayment(world.deps, { token, card: card(TEST_CARDS.succeeds) });
    expect(paid).toMatchObject({ ok: true, orderId: world.order.id });
    if (!paid.ok) return;
    expect(paid.paymentId, 'the retry is a new attempt').not.toBe(declined.paymentId);
    await waitForStatus(world.deps, world.order.id, 'CONFIRMED');
    const attempts = await world.deps.payments.listByOrder(world.order.id);
    expect(attempts.map((payment) => payment.status).sort()).toEqual(['DECLINED', 'SUCCEEDED']);
    expect(world.deps.paymentGateway.refunds()).toEqual([]);
    await expectStockInvariant(world.deps, world.order.sku);
  });

  it('a gateway error leaves the attempt open; a retry of it can succeed', async () => {
    const flaky = await awaitingPayment();
    const token = await linkFor(flaky);
    expect(await processPayment(flaky.deps, { token, card: card(TEST_CARDS.gatewayError) })).toMatchObject({ ok: false, reason: 'GATEWAY_ERROR' });
    expect(await processPayment(flaky.deps, { token, card: card(TEST_CARDS.succeeds) })).toMatchObject({ ok: true });
    await waitForStatus(flaky.deps, flaky.order.id, 'CONFIRMED');
  });

  it('gives a payment starting near the end of the hold one grace, visible as the order\'s holdUntil', async () => {
    const clock = manualClock();
    const deps = { ...memoryPorts({ clock }), paymentGraceMs: 120_000 };
    const owner = shopper();
    const product = await seedProduct(deps, { stock: 5, price: 2_500 });
    const placed = await placeOrder(deps, { customerId: owner.customerId, productId: product.id, quantity: 1 });
    if (!placed.ok) throw new Error('not placed');
    const token = await linkFor({ deps, owner, order: placed.order });
    // 1 s before the hold ends: the payment starts and the hold moves to now + grace.
    clock.set(new Date(placed.order.holdUntil.getTime() - 1_000));
    const declined = await processPayment(deps, { token, card: card(TEST_CARDS.declines) });
    const extendedTo = clock.now().getTime() + 120_000;
    expect(declined).toMatchObject({ ok: false, reason: 'DECLINED', holdUntil: new Date(extendedTo) });
    expect((await deps.orders.get(placed.order.id))?.holdUntil.getTime()).toBe(extendedTo);
    const extendedEvents = (await outboxEvents(deps)).filter((event) => event.type === 'order.hold-extended');
    expect(extendedEvents.map((event) => event.payload)).toEqual([
      expect.objectContaining({ orderId: placed.order.id, status: 'PENDING', holdUntil: new Date(extendedTo).toISOString() }),
    ]);
    // Once: a retry later does not extend again, and after the extended end nothing is charged.
    clock.set(new Date(extendedTo - 1_000));
    expect(await processPayment(deps, { token, card: card(TEST_CARDS.declines) })).toMatchObject({ holdUntil: new Date(extendedTo) });
    clock.set(new Date(extendedTo + 1_000));
    const charges = deps.paymentGateway.chargeCount();
    expect(await processPayment(deps, { token, card: card(TEST_CARDS.succeeds) })).toMatchObject({ ok: false, reason: 'HOLD_EXPIRED' });
    expect(deps.paymentGateway.chargeCount()).toBe(charges);
  });

  it('charges nothing for an order that ended, an unknown link or a malformed card', async () => {
    const world = await awaitingPayment();
    const token = await linkFor(world);
    await cancelOrder(world.deps, { orderId: world.order.id, actor: world.owner });
    await waitForStatus(world.deps, world.order.id, 'CANCELLED');
    expect(await processPayment(world.deps, { token, card: card(TEST_CARDS.succeeds) })).toEqual({
      ok: false,
      reason: 'NOT_PAYABLE',
      orderStatus: 'CANCELLED',
    });
    await expect(processPayment(world.deps, { token: 'x'.repeat(43), card: card(TEST_CARDS.succeeds) })).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'NOT_FOUND'),
    );
    await expect(processPayment(world.deps, { token, card: { ...card(TEST_CARDS.succeeds), expMonth: 13 } })).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'VALIDATION'),
    );
    expect(world.deps.paymentGateway.chargeCount()).toBe(0);
  });
});
