import { describe, expect, it } from 'vitest';
import { LimitedCartError } from '../src/domain/errors.js';
import type { SagaSignal } from '../src/ports/saga-runner.js';
import type { ActivityName, OrderSagaActivities } from '../src/saga/activities.js';
import type { SagaContext } from '../src/saga/context.js';
import { handleLateSignal, orderSaga, PAYMENT_RETRY_CHANGE } from '../src/saga/order-saga.js';

interface Script {
  /** Signals `nextSignal` hands out in order; null = the deadline passed. */
  readonly signals?: readonly (SagaSignal | null)[];
  /** What `drainSignals` returns. */
  readonly late?: readonly SagaSignal[];
  readonly commitStock?: boolean;
  /** Activities that throw, with the error. */
  readonly failing?: Partial<Record<ActivityName, Error>>;
}

/** A scripted SagaContext: records activity calls, steps and the deadline the saga waited for. */
const scriptedContext = (script: Script) => {
  const calls: string[] = [];
  const steps: string[] = [];
  const deadlines: Date[] = [];
  const signals = [...(script.signals ?? [])];
  let drained = 0;
  const ctx: SagaContext = {
    async activity(name, ...args) {
      calls.push(`${name}(${args.join(',')})`);
      const failure = script.failing?.[name];
      if (failure !== undefined) throw failure;
      return (name === 'commitStock' ? (script.commitStock ?? true) : undefined) as never;
    },
    async nextSignal(deadline) {
      deadlines.push(deadline);
      if (signals.length === 0) throw new Error('script ran out of signals');
      return signals.shift() ?? null;
    },
    async drainSignals() {
      drained += 1;
      return script.late ?? [];
    },
    step(name) {
      steps.push(name);
    },
  };
  return { ctx, calls, steps, deadlines, drainCount: () => drained };
};

const input = { orderId: 'o1', paymentDeadline: '2030-01-01T00:00:00.000Z' };
const paid = (paymentId: string): SagaSignal => ({ type: 'payment-succeeded', paymentId });

describe('orderSaga', () => {
  it('confirms on payment: commit, confirm, no release', async () => {
    const { ctx, calls, steps, deadlines, drainCount } = scriptedContext({ signals: [paid('p1')] });
    expect(await orderSaga(ctx, input)).toEqual({
      status: 'CONFIRMED',
      reason: null,
      compensationFailures: [],
      lateRefunds: [],
    });
    expect(calls).toEqual(['markPaymentPending(o1)', 'commitStock(o1)', 'confirmOrder(o1)']);
    expect(steps).toEqual(['payment-pending', 'awaiting-payment', 'committing', 'confirmed']);
    expect(deadlines).toEqual([new Date(input.paymentDeadline)]);
    expect(drainCount()).toBe(1);
  });

  it.each([
    [{ type: 'cancel', reason: 'changed my mind' } as SagaSignal, 'CANCELLED', 'changed my mind'],
    [null, 'EXPIRED', 'payment deadline passed'],
  ] as const)('ends on %o by releasing stock first', async (signal, status, reason) => {
    const { ctx, calls, steps } = scriptedContext({ signals: [signal] });
    expect(await orderSaga(ctx, input)).toEqual({ status, reason, compensationFailures: [], lateRefunds: [] });
    expect(calls).toEqual(['markPaymentPending(o1)', 'releaseStock(o1)', `endOrder(o1,${status},${reason})`]);
    expect(steps).toEqual(['payment-pending', 'awaiting-payment', 'compensating', status.toLowerCase()]);
  });

  it('keeps waiting after a decline: a retry with another card confirms', async () => {
    const declined: SagaSignal = { type: 'payment-failed', paymentId: 'p1', reason: 'insufficient funds' };
    const { ctx, calls } = scriptedContext({ signals: [declined, paid('p2')] });
    expect(await orderSaga(ctx, input)).toMatchObject({ status: 'CONFIRMED', reason: null });
    expect(calls).toEqual(['markPaymentPending(o1)', 'commitStock(o1)', 'confirmOrder(o1)']);
  });

  it('ends FAILED with the last decline when the deadline passes after declines', async () => {
    const { ctx, calls } = scriptedContext({
      signals: [
        { type: 'payment-failed', paymentId: 'p1', reason: 'insufficient funds' },
        { type: 'payment-failed', paymentId: 'p2', reason: 'card declined' },
        null,
      ],
    });
    const reason = 'payment declined: card declined; the hold ended unpaid';
    expect(await orderSaga(ctx, input)).toEqual({ status: 'FAILED', reason, compensationFailures: [], lateRefunds: [] });
    expect(calls).toEqual(['markPaymentPending(o1)', 'releaseStock(o1)', `endOrder(o1,FAILED,${reason})`]);
  });

  it('ends FAILED at once on a decline when replaying a history from before payment retries', async () => {
    const { ctx, calls } = scriptedContext({ signals: [{ type: 'payment-failed', paymentId: 'p1', reason: 'insufficient funds' }] });
    const asked: string[] = [];
    ctx.patched = async (changeId) => {
      asked.push(changeId);
      return false;
    };
    expect(await orderSaga(ctx, input)).toMatchObject({ status: 'FAILED', reason: 'payment declined: insufficient funds' });
    expect(asked).toEqual([PAYMENT_RETRY_CHANGE]);
    expect(calls).toEqual(['markPaymentPending(o1)', 'releaseStock(o1)', 'endOrder(o1,FAILED,payment declined: insufficient funds)']);
  });

  it('moves its deadline forward (never back) on hold-extended', async () => {
    const later = '2030-01-01T00:02:00.000Z';
    const { ctx, deadlines } = scriptedContext({
      signals: [
        { type: 'hold-extended', holdUntil: later },
        { type: 'hold-extended', holdUntil: '2029-01-01T00:00:00.000Z' },
        paid('p1'),
      ],
    });
    expect(await orderSaga(ctx, input)).toMatchObject({ status: 'CONFIRMED' });
    expect(deadlines.map((d) => d.toISOString())).toEqual([input.paymentDeadline, later, later]);
  });

  it('fails when the hold was lost: refunds the payment, then releases stock', async () => {
    const { ctx, calls } = scriptedContext({ signals: [paid('p1')], commitStock: false });
    const result = await orderSaga(ctx, input);
    expect(result).toEqual({
      status: 'FAILED',
      reason: 'stock hold lost before payment completed',
      compensationFailures: [],
      lateRefunds: [],
    });
    expect(calls).toEqual([
      'markPaymentPending(o1)',
      'commitStock(o1)',
      'refundPayment(o1,p1)',
      'releaseStock(o1)',
      'endOrder(o1,FAILED,stock hold lost before payment completed)',
    ]);
  });

  it('refunds each payment that arrived while it was ending, once', async () => {
    const { ctx, calls } = scriptedContext({
      signals: [{ type: 'cancel', reason: 'bye' }],
      late: [paid('p1'), paid('p1'), { type: 'cancel', reason: 'again' }, paid('p2'), { type: 'payment-failed', paymentId: 'p3', reason: 'x' }],
    });
    const result = await orderSaga(ctx, input);
    expect(result.lateRefunds).toEqual(['p1', 'p2']);
    expect(calls.filter((call) => call.startsWith('refundPayment'))).toEqual(['refundPayment(o1,p1)', 'refundPayment(o1,p2)']);
    expect(calls.indexOf('refundPayment(o1,p1)')).toBeGreaterThan(calls.indexOf('endOrder(o1,CANCELLED,bye)'));
  });

  it('keeps the payment that confirmed the order and refunds any other', async () => {
    const { ctx, calls } = scriptedContext({ signals: [paid('p1')], late: [paid('p1'), paid('p2'), paid('p2')] });
    const result = await orderSaga(ctx, input);
    expect(result).toMatchObject({ status: 'CONFIRMED', lateRefunds: ['p2'] });
    expect(calls.filter((call) => call.startsWith('refundPayment'))).toEqual(['refundPayment(o1,p2)']);
  });

  it('reports a failed compensation and still ends the order', async () => {
    const { ctx, calls } = scriptedContext({
      signals: [{ type: 'cancel', reason: 'bye' }],
      failing: { releaseStock: new LimitedCartError('INTERNAL', 'gate down') },
    });
    const result = await orderSaga(ctx, input);
    expect(result).toEqual({
      status: 'CANCELLED',
      reason: 'bye',
      compensationFailures: ['release stock: gate down'],
      lateRefunds: [],
    });
    expect(calls).toContain('endOrder(o1,CANCELLED,bye)');
  });

  it('runs the remaining compensations when one fails', async () => {
    const { ctx, calls } = scriptedContext({
      signals: [paid('p1')],
      commitStock: false,
      failing: { refundPayment: new Error('gateway down') },
    });
    const result = await orderSaga(ctx, input);
    expect(result.compensationFailures).toEqual(['refund payment: gateway down']);
    expect(calls).toContain('releaseStock(o1)');
    expect(result.status).toBe('FAILED');
  });

  it('compensates and ends the order FAILED when a step fails for good before the sale', async () => {
    const { ctx, calls, steps } = scriptedContext({
      signals: [],
      failing: { markPaymentPending: new LimitedCartError('INTERNAL', 'db constraint') },
    });
    expect(await orderSaga(ctx, input)).toEqual({
      status: 'FAILED',
      reason: 'saga step failed: db constraint',
      compensationFailures: [],
      lateRefunds: [],
    });
    expect(calls).toEqual(['markPaymentPending(o1)', 'releaseStock(o1)', 'endOrder(o1,FAILED,saga step failed: db constraint)']);
    expect(steps).toEqual(['payment-pending', 'compensating', 'failed']);
  });

  it('refunds a captured payment when committing the stock fails for good', async () => {
    const { ctx, calls } = scriptedContext({
      signals: [paid('p1')],
      failing: { commitStock: new LimitedCartError('INTERNAL', 'gate broken') },
    });
    expect(await orderSaga(ctx, input)).toMatchObject({ status: 'FAILED', reason: 'saga step failed: gate broken' });
    expect(calls).toEqual([
      'markPaymentPending(o1)',
      'commitStock(o1)',
      'refundPayment(o1,p1)',
      'releaseStock(o1)',
      'endOrder(o1,FAILED,saga step failed: gate broken)',
    ]);
  });

  it('fails the saga with the original fault when the order cannot be ended either', async () => {
    const { ctx, calls } = scriptedContext({
      signals: [],
      failing: {
        markPaymentPending: new LimitedCartError('ILLEGAL_TRANSITION', 'order already cancelled'),
        endOrder: new LimitedCartError('ILLEGAL_TRANSITION', 'order already cancelled (end)'),
      },
    });
    await expect(orderSaga(ctx, input)).rejects.toThrow(/^order already cancelled$/);
    // The hold was still given back.
    expect(calls).toContain('releaseStock(o1)');
  });

  it('fails the saga when the normal ending cannot be written', async () => {
    const { ctx } = scriptedContext({
      signals: [null],
      failing: { endOrder: new LimitedCartError('ILLEGAL_TRANSITION', 'order already cancelled') },
    });
    await expect(orderSaga(ctx, input)).rejects.toThrow('order already cancelled');
  });

  it('fails the saga when confirming fails after the stock was committed', async () => {
    const { ctx, calls } = scriptedContext({
      signals: [paid('p1')],
      failing: { confirmOrder: new LimitedCartError('ILLEGAL_TRANSITION', 'order already expired') },
    });
    await expect(orderSaga(ctx, input)).rejects.toThrow('order already expired');
    // The stock was sold and the compensations cleared: nothing is released behind the committed hold.
    expect(calls).toEqual(['markPaymentPending(o1)', 'commitStock(o1)', 'confirmOrder(o1)']);
  });
});

describe('handleLateSignal', () => {
  const recorder = () => {
    const refunds: string[] = [];
    const activities: Pick<OrderSagaActivities, 'refundPayment'> = {
      refundPayment: async (orderId, paymentId) => {
        refunds.push(`${orderId}:${paymentId}`);
      },
    };
    return { activities, refunds };
  };

  it('refunds a payment that succeeded after the order ended', async () => {
    const { activities, refunds } = recorder();
    await handleLateSignal(activities, 'o1', paid('p9'));
    expect(refunds).toEqual(['o1:p9']);
  });

  it('ignores late cancels and declines', async () => {
    const { activities, refunds } = recorder();
    await handleLateSignal(activities, 'o1', { type: 'cancel', reason: 'late' });
    await handleLateSignal(activities, 'o1', { type: 'payment-failed', paymentId: 'p1', reason: 'x' });
    expect(refunds).toEqual([]);
  });
});
