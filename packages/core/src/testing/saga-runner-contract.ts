import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal, type OrderStatus, type TerminalOrderStatus } from '../domain/order.js';
import type { SagaDescription, SagaRunner } from '../ports/saga-runner.js';
import type { OrderSagaActivities } from '../saga/activities.js';
import { createSagaKitWorld, type HeldOrder, type PlaceHeldOrderOptions, type SagaKitWorld } from './saga-kit-world.js';
import { assertStockInvariant } from './stock-gate-contract.js';
import { waitFor } from './wait-for.js';

export * from './saga-kit-world.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const SAGA_RUNNER_CASES = [
  'happy path confirms the order',
  'cancel while awaiting payment cancels and releases stock',
  'payment deadline expires the order and releases stock',
  'decline then retry with a good card confirms the order',
  'decline then the deadline fails the order and releases stock',
  'hold extension moves the payment deadline',
  'duplicate payment signals act once',
  'duplicate cancel signals act once',
  'payment after expiry is refunded',
  'second payment after confirmation is refunded',
  'lost hold fails the order and refunds the payment',
  'start is idempotent',
  'retryable activity faults are retried',
  'non-retryable step fault fails the order and compensates',
  'fault after the sale fails the saga',
  'failed compensation is contained and reported',
] as const;

export type SagaRunnerCase = (typeof SAGA_RUNNER_CASES)[number];

export interface SagaRunnerContractOptions {
  /** Cases to skip, by name, each with the reason printed in the test name. */
  readonly skip?: Partial<Record<SagaRunnerCase, string>>;
  /** Payment window of the expiry cases (default 3000 ms). Other cases use a window of ten minutes. */
  readonly deadlineMs?: number;
  /** How long a case waits for a condition (default 30 s). */
  readonly timeoutMs?: number;
}

export interface SagaRunnerFixture {
  readonly runner: SagaRunner;
  close(): Promise<void>;
}

const LONG_DEADLINE_MS = 600_000;

/**
 * The SagaRunner conformance suite. `make` is called once per file with the kit's activities (real in-memory
 * stores, gate and payment gateway behind `createOrderSagaActivities`, recording every call and injecting faults
 * per order); the runner under test must execute core's `orderSaga` with exactly these activities. Every case
 * places its own order on its own SKU, so cases may share the runner.
 */
export function describeSagaRunnerContract(
  name: string,
  make: (ctx: { readonly activities: OrderSagaActivities }) => Promise<SagaRunnerFixture>,
  options: SagaRunnerContractOptions = {},
): void {
  const skip: Partial<Record<string, string>> = options.skip ?? {};
  for (const key of Object.keys(skip)) {
    if (!(SAGA_RUNNER_CASES as readonly string[]).includes(key)) throw new Error(`unknown saga runner case to skip: ${key}`);
  }
  const deadlineMs = options.deadlineMs ?? 3_000;
  const timeoutMs = options.timeoutMs ?? 30_000;

  describe(`SagaRunner contract: ${name}`, () => {
    const world: SagaKitWorld = createSagaKitWorld();
    let fixture: SagaRunnerFixture | undefined;
    const runner = (): SagaRunner => {
      if (fixture === undefined) throw new Error('saga runner fixture was not created');
      return fixture.runner;
    };
    beforeAll(async () => {
      fixture = await make({ activities: world.activities });
    });
    afterAll(async () => {
      await fixture?.close();
    });

    const sagaCase = (title: SagaRunnerCase, body: () => Promise<void>): void => {
      const reason = skip[title];
      if (reason !== undefined) it.skip(`${title} (skipped: ${reason})`, body);
      else it(title, body, timeoutMs * 3 + deadlineMs);
    };

    const until = <T>(check: () => T | Promise<T>, message: string) => waitFor(check, { timeoutMs, intervalMs: 50, message });

    /** Places an order and starts its saga; resolves once the order is PAYMENT_PENDING. */
    const startSaga = async (
      windowMs = LONG_DEADLINE_MS,
      place: PlaceHeldOrderOptions = {},
    ): Promise<HeldOrder> => {
      const held = await world.placeHeldOrder({ holdMs: windowMs + 60_000, ...place });
      const paymentDeadline = new Date(Date.now() + windowMs).toISOString();
      expect(
        await runner().start({ orderId: held.orderId, paymentDeadline }),
        'start of a new saga reports started: true',
      ).toEqual({ started: true });
      await until(() => world.progress(held.orderId).includes('PAYMENT_PENDING'), `order ${held.orderId} PAYMENT_PENDING`);
      return held;
    };

    const ended = (orderId: string): Promise<SagaDescription> =>
      until(async () => {
        const description = await runner().describe(orderId);
        return description !== null && description.status !== 'RUNNING' ? description : null;
      }, `saga ${orderId} to end`);

    const expectOutcome = async (held: HeldOrder, outcome: TerminalOrderStatus): Promise<SagaDescription> => {
      const description = await ended(held.orderId);
      expect(
        description,
        `the saga of ${held.orderId} completed with outcome ${outcome}`,
      ).toMatchObject({ orderId: held.orderId, status: 'COMPLETED', outcome });
      expect(
        (await world.order(held.orderId)).status,
        `the order's status is the saga's outcome ${outcome}`,
      ).toBe(outcome);
      expectProgress(held, ['PAYMENT_PENDING', outcome]);
      return description;
    };

    /** Every transition emitted exactly one event; at most one terminal status ever. */
    const expectProgress = (held: HeldOrder, statuses: readonly OrderStatus[]): void => {
      const progress = world.progress(held.orderId);
      expect(progress, 'each status transition emitted exactly one event, in order').toEqual(statuses);
      expect(
        progress.filter((status) => isTerminal(status as OrderStatus)).length,
        'an order reaches at most one terminal status',
      ).toBeLessThanOrEqual(1);
    };

    const expectStock = async (held: HeldOrder, expected: { held: number; sold: number }): Promise<void> => {
      const snapshot = await world.gate.snapshot(held.sku);
      assertStockInvariant(snapshot);
      expect(
        snapshot,
        `stock counters of ${held.sku}: held ${expected.held}, sold ${expected.sold}, the rest available`,
      ).toEqual({
        sku: held.sku,
        available: held.stock - expected.held - expected.sold,
        held: expected.held,
        sold: expected.sold,
        restockedTotal: held.stock,
      });
    };

    const paymentStatus = async (paymentId: string) => (await world.stores.payments.get(paymentId))?.status;

    sagaCase('happy path confirms the order', async () => {
      const held = await startSaga();
      const paymentId = await world.capturePayment(held.orderId);
      expect(
        await runner().signal(held.orderId, { type: 'payment-succeeded', paymentId }),
        'a payment-succeeded signal to a running saga is delivered',
      ).toEqual({
        delivered: true,
      });
      const description = await expectOutcome(held, 'CONFIRMED');
      expect(description.error, 'a confirmed saga reports no error').toBeNull();
      await expectStock(held, { held: 0, sold: held.quantity });
      expect(await world.gate.holdState(held.orderId), "a confirmed order's hold is COMMITTED").toBe('COMMITTED');
      expect(await paymentStatus(paymentId), 'the payment of a confirmed order stays SUCCEEDED').toBe('SUCCEEDED');
      expect(await world.refundedPayments(held.orderId), 'a confirmed order refunds nothing').toEqual([]);
    });

    sagaCase('cancel while awaiting payment cancels and releases stock', async () => {
      const held = await startSaga();
      await runner().signal(held.orderId, { type: 'cancel', reason: 'changed my mind' });
      await expectOutcome(held, 'CANCELLED');
      expect(
        (await world.order(held.orderId)).statusReason,
        "a cancelled order keeps the cancel signal's reason",
      ).toBe('changed my mind');
      await expectStock(held, { held: 0, sold: 0 });
      expect(await world.gate.holdState(held.orderId), "a cancelled order's hold is RELEASED").toBe('RELEASED');
    });

    sagaCase('payment deadline expires the order and releases stock', async () => {
      const held = await startSaga(deadlineMs);
      await expectOutcome(held, 'EXPIRED');
      await expectStock(held, { held: 0, sold: 0 });
      expect(world.calls(held.orderId, 'commitStock'), 'an expired order never commits stock').toEqual([]);
    });

    sagaCase('decline then retry with a good card confirms the order', async () => {
      const held = await startSaga();
      const declined = await world.declinePayment(held.orderId);
      await runner().signal(held.orderId, { type: 'payment-failed', paymentId: declined, reason: 'card declined' });
      // Signals are consumed in order: under a saga that ended on the decline the good card below would be refunded.
      expect((await runner().describe(held.orderId))?.status, 'a declined payment does not end the saga').toBe('RUNNING');
      expect((await world.order(held.orderId)).status, 'after a decline the order stays PAYMENT_PENDING').toBe('PAYMENT_PENDING');
      await expectStock(held, { held: held.quantity, sold: 0 });
      const paid = await world.capturePayment(held.orderId);
      await runner().signal(held.orderId, { type: 'payment-succeeded', paymentId: paid });
      await expectOutcome(held, 'CONFIRMED');
      await expectStock(held, { held: 0, sold: held.quantity });
      expect(await paymentStatus(declined), 'the declined attempt stays DECLINED').toBe('DECLINED');
      expect(await paymentStatus(paid), 'the retry with a good card is kept').toBe('SUCCEEDED');
      expect(await world.refundedPayments(held.orderId), 'nothing is refunded').toEqual([]);
    });

    sagaCase('decline then the deadline fails the order and releases stock', async () => {
      const held = await startSaga(deadlineMs);
      const paymentId = await world.declinePayment(held.orderId);
      await runner().signal(held.orderId, { type: 'payment-failed', paymentId, reason: 'card declined' });
      await expectOutcome(held, 'FAILED');
      const reason = (await world.order(held.orderId)).statusReason;
      expect(reason, 'the failed order carries the last decline reason').toContain('card declined');
      expect(reason, 'the failed order says the hold ended unpaid').toContain('hold ended');
      await expectStock(held, { held: 0, sold: 0 });
      expect(await world.gate.holdState(held.orderId), "the failed order's hold is RELEASED").toBe('RELEASED');
      expect(await world.refundedPayments(held.orderId), 'a declined payment refunds nothing').toEqual([]);
    });

    sagaCase('hold extension moves the payment deadline', async () => {
      const held = await startSaga(deadlineMs);
      const extendedTo = new Date(Date.now() + LONG_DEADLINE_MS).toISOString();
      await runner().signal(held.orderId, { type: 'hold-extended', holdUntil: extendedTo });
      // Well past the original deadline (as the runner's timer would fire), the saga still waits for payment.
      const originalDeadline = Date.now() + deadlineMs;
      await until(() => Date.now() > originalDeadline + 2_000, 'the original deadline to pass');
      expect((await runner().describe(held.orderId))?.status, 'the saga waits past its original deadline').toBe('RUNNING');
      expect((await world.order(held.orderId)).status, 'the order is still PAYMENT_PENDING').toBe('PAYMENT_PENDING');
      const paymentId = await world.capturePayment(held.orderId);
      await runner().signal(held.orderId, { type: 'payment-succeeded', paymentId });
      await expectOutcome(held, 'CONFIRMED');
      await expectStock(held, { held: 0, sold: held.quantity });
    });

    sagaCase('duplicate payment signals act once', async () => {
      const held = await startSaga();
      const paymentId = await world.capturePayment(held.orderId);
      const signal = { type: 'payment-succeeded', paymentId } as const;
      await Promise.all([runner().signal(held.orderId, signal), runner().signal(held.orderId, signal)]);
      await runner().signal(held.orderId, signal);
      await expectOutcome(held, 'CONFIRMED');
      // The same webhook once more, after the end: nothing may change, least of all a refund.
      await runner().signal(held.orderId, signal);
      await expectStock(held, { held: 0, sold: held.quantity });
      expect(await paymentStatus(paymentId), 'a payment signalled several times stays SUCCEEDED').toBe('SUCCEEDED');
      expect(await world.refundedPayments(held.orderId), 'duplicate payment signals refund nothing').toEqual([]);
      expect(
        (await runner().describe(held.orderId))?.outcome,
        'a payment signal after the end does not change the outcome',
      ).toBe('CONFIRMED');
      expectProgress(held, ['PAYMENT_PENDING', 'CONFIRMED']);
    });

    sagaCase('duplicate cancel signals act once', async () => {
      const held = await startSaga();
      const cancel = { type: 'cancel', reason: 'twice' } as const;
      await Promise.all([runner().signal(held.orderId, cancel), runner().signal(held.orderId, cancel)]);
      await expectOutcome(held, 'CANCELLED');
      await runner().signal(held.orderId, cancel);
      expect(
        (await runner().describe(held.orderId))?.outcome,
        'a cancel signal after the end does not change the outcome',
      ).toBe('CANCELLED');
      expectProgress(held, ['PAYMENT_PENDING', 'CANCELLED']);
      await expectStock(held, { held: 0, sold: 0 });
    });

    sagaCase('payment after expiry is refunded', async () => {
      const held = await startSaga(deadlineMs);
      await expectOutcome(held, 'EXPIRED');
      const paymentId = await world.capturePayment(held.orderId);
      const result = await runner().signal(held.orderId, { type: 'payment-succeeded', paymentId });
      expect(
        typeof result.delivered,
        'a signal to an ended saga answers with delivered true or false, without throwing',
      ).toBe('boolean');
      await until(async () => (await paymentStatus(paymentId)) === 'REFUNDED', `payment ${paymentId} refunded`);
      await until(async () => (await world.refundedPayments(held.orderId)).includes(paymentId), 'gateway refund');
      expect(
        (await world.order(held.orderId)).status,
        'a payment after expiry does not revive the order',
      ).toBe('EXPIRED');
      expectProgress(held, ['PAYMENT_PENDING', 'EXPIRED']);
      await expectStock(held, { held: 0, sold: 0 });
    });

    sagaCase('second payment after confirmation is refunded', async () => {
      const held = await startSaga();
      const kept = await world.capturePayment(held.orderId);
      await runner().signal(held.orderId, { type: 'payment-succeeded', paymentId: kept });
      await expectOutcome(held, 'CONFIRMED');
      const extra = await world.capturePayment(held.orderId);
      await runner().signal(held.orderId, { type: 'payment-succeeded', paymentId: extra });
      await until(async () => (await paymentStatus(extra)) === 'REFUNDED', `payment ${extra} refunded`);
      expect(await paymentStatus(kept), 'the payment that confirmed the order is kept').toBe('SUCCEEDED');
      expect(await world.refundedPayments(held.orderId), 'exactly the second payment is refunded').toEqual([extra]);
      await expectStock(held, { held: 0, sold: held.quantity });
    });

    sagaCase('lost hold fails the order and refunds the payment', async () => {
      const held = await startSaga();
      // What the expiry sweep does to a hold whose saga fell behind.
      expect(
        await world.gate.release(held.orderId),
        'the kit releases the hold as the expiry sweep would',
      ).toEqual({ ok: true, changed: true });
      const paymentId = await world.capturePayment(held.orderId);
      await runner().signal(held.orderId, { type: 'payment-succeeded', paymentId });
      await expectOutcome(held, 'FAILED');
      expect(
        (await world.order(held.orderId)).statusReason,
        "an order whose hold was lost fails with reason 'stock hold lost'",
      ).toContain('stock hold lost');
      expect(
        await paymentStatus(paymentId),
        'the payment of an order whose hold was lost is refunded',
      ).toBe('REFUNDED');
      expect(
        await world.refundedPayments(held.orderId),
        'the gateway refunded exactly that payment',
      ).toEqual([paymentId]);
      await expectStock(held, { held: 0, sold: 0 });
    });

    sagaCase('start is idempotent', async () => {
      const held = await world.placeHeldOrder();
      const input = { orderId: held.orderId, paymentDeadline: new Date(Date.now() + LONG_DEADLINE_MS).toISOString() };
      const exists = runner().exists?.bind(runner());
      if (exists) expect(await exists(held.orderId), 'exists: no saga before the first start').toBe(false);
      const starts = await Promise.all(Array.from({ length: 5 }, () => runner().start(input)));
      expect(
        starts.filter((s) => s.started),
        'of 5 parallel starts of one order exactly one starts the saga',
      ).toHaveLength(1);
      expect(
        await runner().start(input),
        'a later start of a running saga reports started: false',
      ).toEqual({ started: false });
      await until(() => world.progress(held.orderId).includes('PAYMENT_PENDING'), 'PAYMENT_PENDING');
      expect((await runner().describe(held.orderId))?.status, 'a saga waiting for payment is RUNNING').toBe('RUNNING');
      if (exists) expect(await exists(held.orderId), 'exists: a running saga').toBe(true);
      const paymentId = await world.capturePayment(held.orderId);
      await runner().signal(held.orderId, { type: 'payment-succeeded', paymentId });
      await expectOutcome(held, 'CONFIRMED');
      if (exists) expect(await exists(held.orderId), 'exists: an ended saga').toBe(true);
      expect(
        await runner().start(input),
        'a start after the saga ended reports started: false',
      ).toEqual({ started: false });
      await expectStock(held, { held: 0, sold: held.quantity });
    });

    sagaCase('retryable activity faults are retried', async () => {
      const held = await startSaga();
      world.injectFault(held.orderId, 'commitStock', { times: 2, retryable: true });
      const paymentId = await world.capturePayment(held.orderId);
      await runner().signal(held.orderId, { type: 'payment-succeeded', paymentId });
      await expectOutcome(held, 'CONFIRMED');
      const commits = world.calls(held.orderId, 'commitStock').map((call) => call.outcome);
      expect(
        commits.slice(0, 3),
        'a retryable fault is retried: two faults, then success',
      ).toEqual(['fault', 'fault', 'ok']);
      await expectStock(held, { held: 0, sold: held.quantity });
    });

    sagaCase('non-retryable step fault fails the order and compensates', async () => {
      const held = await world.placeHeldOrder();
      world.injectFault(held.orderId, 'markPaymentPending', { times: 1, retryable: false });
      const paymentDeadline = new Date(Date.now() + LONG_DEADLINE_MS).toISOString();
      await runner().start({ orderId: held.orderId, paymentDeadline });
      const description = await ended(held.orderId);
      expect(
        description,
        'a non-retryable fault in a step completes the saga with outcome FAILED',
      ).toMatchObject({ status: 'COMPLETED', outcome: 'FAILED' });
      const order = await world.order(held.orderId);
      expect(order.status, 'the order fails').toBe('FAILED');
      expect(
        order.statusReason,
        "the failed order's reason names the faulty step",
      ).toContain('injected fault in markPaymentPending');
      expect(
        world.calls(held.orderId, 'markPaymentPending').map((call) => call.outcome),
        'a non-retryable fault is not retried',
      ).toEqual(['fault']);
      expectProgress(held, ['FAILED']);
      await expectStock(held, { held: 0, sold: 0 });
    });

    sagaCase('fault after the sale fails the saga', async () => {
      const held = await startSaga();
      world.injectFault(held.orderId, 'confirmOrder', { times: 1, retryable: false });
      const paymentId = await world.capturePayment(held.orderId);
      await runner().signal(held.orderId, { type: 'payment-succeeded', paymentId });
      const description = await ended(held.orderId);
      expect(
        description.status,
        'a fault after the sale (stock committed, money kept) leaves the saga FAILED for an operator',
      ).toBe('FAILED');
      expect(
        description.error,
        "the saga's error names the faulty step",
      ).toEqual(expect.stringContaining('injected fault in confirmOrder'));
      // The stock is sold and the money kept: nothing is undone behind the sale; an operator finishes the order.
      expect(
        (await world.order(held.orderId)).status,
        'nothing is undone after the sale: the order stays PAYMENT_PENDING',
      ).toBe('PAYMENT_PENDING');
      expect(
        await paymentStatus(paymentId),
        'nothing is undone after the sale: the payment stays SUCCEEDED',
      ).toBe('SUCCEEDED');
      await expectStock(held, { held: 0, sold: held.quantity });
      expectProgress(held, ['PAYMENT_PENDING']);
    });

    sagaCase('failed compensation is contained and reported', async () => {
      const held = await startSaga();
      world.injectFault(held.orderId, 'releaseStock', { times: 1, retryable: false });
      await runner().signal(held.orderId, { type: 'cancel', reason: 'compensation drill' });
      const description = await expectOutcome(held, 'CANCELLED');
      expect(
        description.error,
        "a failed compensation is reported in the saga's error",
      ).toEqual(expect.stringContaining('release stock'));
      await expectStock(held, { held: held.quantity, sold: 0 });
      expect(
        await world.gate.release(held.orderId),
        'a hold whose release failed is still HELD, so an operator can release it',
      ).toEqual({ ok: true, changed: true });
      await expectStock(held, { held: 0, sold: 0 });
    });
  });
}
