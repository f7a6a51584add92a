import { isLimitedCartError, LimitedCartError } from '@limitedcart/core';
import { waitFor } from '@limitedcart/core/testing';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemporalSagaRunner, createTemporalSagaWorker, type TemporalSagaRunner, type TemporalSagaWorker, UNKNOWN_STEP } from '../src/index.js';
import { FakeActivities } from './support/fake-activities.js';
import { quietTemporalRuntime } from './support/quiet-runtime.js';
import { noTemporal, requireTemporalAddress, uniqueName } from './support/temporal-env.js';

describe.skipIf(noTemporal)('temporal saga runner (own cases)', () => {
  const activities = new FakeActivities();
  const taskQueue = uniqueName('runner-test');
  let runner: TemporalSagaRunner;
  let worker: TemporalSagaWorker;
  let running: Promise<void>;
  let seq = 0;

  const newOrder = (): string => {
    seq += 1;
    const orderId = `${taskQueue}-order-${seq}`;
    activities.place(orderId);
    return orderId;
  };
  const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();
  const ended = (orderId: string) =>
    waitFor(async () => {
      const saga = await runner.describe(orderId);
      return saga !== null && saga.status !== 'RUNNING' ? saga : null;
    }, { message: `saga ${orderId} to end`, timeoutMs: 25_000 });
  const awaitingPayment = (orderId: string) =>
    waitFor(async () => (await runner.describe(orderId))?.step === 'awaiting-payment', { message: `${orderId} awaiting payment` });

  beforeAll(async () => {
    quietTemporalRuntime();
    const address = requireTemporalAddress();
    worker = createTemporalSagaWorker({ address, taskQueue, activities });
    running = worker.run();
    runner = createTemporalSagaRunner({ address, taskQueue });
  });

  afterAll(async () => {
    await runner?.close();
    await worker?.shutdown();
    await running;
  });

  it('reports the frontend in its health, and a server it cannot reach as unhealthy', async () => {
    expect(await runner.health()).toMatchObject({ name: 'temporal', ok: true });
    const unreachable = createTemporalSagaRunner({ address: '127.0.0.1:1', taskQueue });
    expect(await unreachable.health()).toMatchObject({ name: 'temporal', ok: false });
    await unreachable.close();
  });

  it('confirms a paid order and commits its stock', async () => {
    const orderId = newOrder();
    expect(await runner.start({ orderId, paymentDeadline: inMs(60_000) })).toEqual({ started: true });
    await awaitingPayment(orderId);
    expect(await runner.describe(orderId)).toMatchObject({ status: 'RUNNING', step: 'awaiting-payment', outcome: null });
    expect(await runner.signal(orderId, { type: 'payment-succeeded', paymentId: `${orderId}-pay` })).toEqual({ delivered: true });
    expect(await ended(orderId)).toEqual({ orderId, status: 'COMPLETED', step: 'confirmed', outcome: 'CONFIRMED', error: null });
    expect(activities.orders.get(orderId)).toMatchObject({ status: 'CONFIRMED', hold: 'sold' });
  });

  it('starts once per order id, also after the saga ended', async () => {
    const orderId = newOrder();
    const input = { orderId, paymentDeadline: inMs(60_000) };
    const starts = await Promise.all([runner.start(input), runner.start(input), runner.start(input)]);
    expect(starts.filter((start) => start.started)).toHaveLength(1);
    await runner.signal(orderId, { type: 'cancel', reason: 'changed my mind' });
    await ended(orderId);
    expect(await runner.start(input)).toEqual({ started: false });
    expect(activities.callsOf('markPaymentPending', orderId)).toBe(1);
  });

  it('cancels on a cancel signal and releases the stock', async () => {
    const orderId = newOrder();
    await runner.start({ orderId, paymentDeadline: inMs(60_000) });
    await runner.signal(orderId, { type: 'cancel', reason: 'shopper cancelled' });
    expect(await ended(orderId)).toMatchObject({ status: 'COMPLETED', step: 'cancelled', outcome: 'CANCELLED' });
    expect(activities.orders.get(orderId)).toEqual({ status: 'CANCELLED', reason: 'shopper cancelled', hold: 'released' });
  });

  it('keeps waiting after a declined payment and fails the order when the deadline passes', async () => {
    const orderId = newOrder();
    await runner.start({ orderId, paymentDeadline: inMs(2_000) });
    await runner.signal(orderId, { type: 'payment-failed', paymentId: `${orderId}-pay`, reason: 'card declined' });
    expect(await ended(orderId)).toMatchObject({ status: 'COMPLETED', outcome: 'FAILED' });
    expect(activities.orders.get(orderId)).toMatchObject({ status: 'FAILED', hold: 'released' });
    expect(activities.orders.get(orderId)?.reason).toContain('the hold ended unpaid');
  });

  it('expires when the payment deadline passes (durable timer)', async () => {
    const orderId = newOrder();
    await runner.start({ orderId, paymentDeadline: inMs(1_500) });
    expect(await ended(orderId)).toMatchObject({ status: 'COMPLETED', step: 'expired', outcome: 'EXPIRED' });
    expect(activities.orders.get(orderId)).toEqual({ status: 'EXPIRED', reason: 'payment deadline passed', hold: 'released' });
  });

  it('acts once on a repeated payment webhook', async () => {
    const orderId = newOrder();
    await runner.start({ orderId, paymentDeadline: inMs(60_000) });
    const paid = { type: 'payment-succeeded', paymentId: `${orderId}-pay` } as const;
    await Promise.all([runner.signal(orderId, paid), runner.signal(orderId, paid)]);
    expect(await ended(orderId)).toMatchObject({ outcome: 'CONFIRMED' });
    expect(await runner.signal(orderId, paid)).toEqual({ delivered: false });
    expect(activities.callsOf('commitStock', orderId)).toBe(1);
    expect(activities.refunds.filter((refund) => refund.orderId === orderId)).toEqual([]);
  });

  it('refunds a payment that arrives after the order ended, exactly once', async () => {
    const orderId = newOrder();
    await runner.start({ orderId, paymentDeadline: inMs(60_000) });
    await runner.signal(orderId, { type: 'cancel', reason: 'too slow' });
    await ended(orderId);
    const late = { type: 'payment-succeeded', paymentId: `${orderId}-late` } as const;
    const results = await Promise.all([runner.signal(orderId, late), runner.signal(orderId, late)]);
    expect(results).toEqual([{ delivered: false }, { delivered: false }]);
    await waitFor(() => activities.refunds.some((refund) => refund.paymentId === late.paymentId), { message: 'late refund' });
    expect(await runner.signal(orderId, late)).toEqual({ delivered: false });
    expect(activities.callsOf('refundPayment', orderId)).toBe(1);
    expect(await runner.signal(orderId, { type: 'cancel', reason: 'again' })).toEqual({ delivered: false });
  });

  it('retries an infrastructure fault and goes on', async () => {
    const orderId = newOrder();
    activities.failNext('markPaymentPending', orderId, new LimitedCartError('INFRASTRUCTURE', 'db connection reset'));
    await runner.start({ orderId, paymentDeadline: inMs(60_000) });
    await awaitingPayment(orderId);
    expect(activities.callsOf('markPaymentPending', orderId)).toBe(2);
    await runner.signal(orderId, { type: 'cancel', reason: 'done' });
    expect(await ended(orderId)).toMatchObject({ outcome: 'CANCELLED' });
  });

  it('does not retry a business error: the saga fails at that step', async () => {
    const orderId = newOrder();
    activities.failNext('confirmOrder', orderId, new LimitedCartError('ILLEGAL_TRANSITION', 'order was archived'));
    await runner.start({ orderId, paymentDeadline: inMs(60_000) });
    await runner.signal(orderId, { type: 'payment-succeeded', paymentId: `${orderId}-pay` });
    const saga = await ended(orderId);
    expect(saga).toMatchObject({ status: 'FAILED', step: 'committing', outcome: null });
    expect(saga.error).toContain('order was archived');
    expect(activities.callsOf('confirmOrder', orderId)).toBe(1);
    // The failed saga kept its payment (the stock is sold): a repeated webhook must not refund it; another
    // payment arriving now is refunded.
    expect(await runner.signal(orderId, { type: 'payment-succeeded', paymentId: `${orderId}-pay` })).toEqual({ delivered: false });
    expect(await runner.signal(orderId, { type: 'payment-succeeded', paymentId: `${orderId}-other` })).toEqual({ delivered: false });
    expect(activities.refunds.filter((refund) => refund.orderId === orderId)).toEqual([{ orderId, paymentId: `${orderId}-other` }]);
  });

  it('reports unknown orders: describe gives null, signal throws NOT_FOUND', async () => {
    const orderId = `${taskQueue}-never-started`;
    expect(await runner.describe(orderId)).toBeNull();
    const error = await runner.signal(orderId, { type: 'cancel', reason: 'x' }).catch((caught: unknown) => caught);
    expect(isLimitedCartError(error, 'NOT_FOUND')).toBe(true);
  });

  it('reports a saga no worker serves as RUNNING with an unknown step, without failing', async () => {
    // A task queue no worker polls: the step query cannot be answered, the frontend still knows the status.
    const lonely = createTemporalSagaRunner({ address: requireTemporalAddress(), taskQueue: uniqueName('no-worker'), queryTimeoutMs: 500 });
    try {
      const orderId = `${taskQueue}-unserved`;
      expect(await lonely.start({ orderId, paymentDeadline: inMs(60_000) })).toEqual({ started: true });
      expect(await lonely.describe(orderId)).toEqual({ orderId, status: 'RUNNING', step: UNKNOWN_STEP, outcome: null, error: null });
    } finally {
      // Nobody will ever run it: end it so it does not wait on the shared dev server for ever.
      const connection = await Connection.connect({ address: requireTemporalAddress() });
      await new Client({ connection }).workflow.getHandle(`${taskQueue}-unserved`).terminate('test cleanup').catch(() => undefined);
      await connection.close();
      await lonely.close();
    }
  });

  it('rejects an invalid payment deadline', async () => {
    const error = await runner.start({ orderId: newOrder(), paymentDeadline: 'soon' }).catch((caught: unknown) => caught);
    expect(isLimitedCartError(error, 'VALIDATION')).toBe(true);
  });
});

describe.skipIf(noTemporal)('temporal saga runner sharing its worker connection (eager start)', () => {
  const activities = new FakeActivities();
  const taskQueue = uniqueName('eager-test');
  const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();

  it('hands the first workflow task to the local worker, and starts through its own connection once the worker stopped', async () => {
    quietTemporalRuntime();
    const address = requireTemporalAddress();
    const worker = createTemporalSagaWorker({ address, taskQueue, activities });
    const running = worker.run();
    await worker.ready();
    const runner = createTemporalSagaRunner({ address, taskQueue, localWorkerConnection: () => worker.connection() });
    const later = createTemporalSagaWorker({ address, taskQueue, activities });
    let laterRunning: Promise<void> | undefined;
    const orders = Array.from({ length: 5 }, (_, index) => `${taskQueue}-order-${index}`);
    try {
      for (const orderId of orders) {
        activities.place(orderId);
        // One at a time: an idle worker has a free slot for each.
        expect(await runner.start({ orderId, paymentDeadline: inMs(60_000) })).toEqual({ started: true });
      }
      expect(runner.startCounts()).toEqual({ started: 5, eagerly: 5 });
      await waitFor(() => orders.every((orderId) => activities.orders.get(orderId)?.status === 'PAYMENT_PENDING'), {
        message: 'eagerly started sagas to reach PAYMENT_PENDING',
      });
      expect(await runner.start({ orderId: orders[0] as string, paymentDeadline: inMs(60_000) })).toEqual({ started: false });

      await worker.shutdown();
      await running;
      expect(worker.connection()).toBeUndefined();
      // No local worker any more: the start goes through the runner's own connection, and another worker runs it.
      laterRunning = later.run();
      const orderId = `${taskQueue}-after-stop`;
      activities.place(orderId);
      expect(await runner.start({ orderId, paymentDeadline: inMs(60_000) })).toEqual({ started: true });
      expect(runner.startCounts()).toEqual({ started: 6, eagerly: 5 });
      await waitFor(() => activities.orders.get(orderId)?.status === 'PAYMENT_PENDING', { message: `${orderId} to reach PAYMENT_PENDING` });
    } finally {
      // End the waiting sagas so they do not wait on the shared dev server for a worker that is gone.
      const connection = await Connection.connect({ address });
      const client = new Client({ connection });
      await Promise.all(
        [...orders, `${taskQueue}-after-stop`].map((orderId) => client.workflow.getHandle(orderId).terminate('test cleanup').catch(() => undefined)),
      );
      await connection.close();
      await runner.close();
      await worker.shutdown();
      await running.catch(() => undefined);
      await later.shutdown();
      await laterRunning?.catch(() => undefined);
    }
  });
});
