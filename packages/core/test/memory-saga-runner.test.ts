import { describe, expect, it } from 'vitest';
import { LimitedCartError } from '../src/domain/errors.js';
import { createMemorySagaRunner } from '../src/memory/saga-runner.js';
import type { Logger } from '../src/ports/small-ports.js';
import type { OrderSagaActivities } from '../src/saga/activities.js';
import { describeSagaRunnerContract } from '../src/testing/saga-runner-contract.js';
import { waitFor } from '../src/testing/wait-for.js';

describeSagaRunnerContract('memory', async ({ activities }) => {
  const runner = createMemorySagaRunner({ activities });
  return { runner, close: () => runner.close() };
});

/** Activities that only record; for the runner's own lifecycle rules. */
const recordingActivities = () => {
  const calls: string[] = [];
  const record =
    (name: string) =>
    async (...args: unknown[]): Promise<undefined> => {
      calls.push(`${name}(${args.join(',')})`);
      return undefined;
    };
  const activities: OrderSagaActivities = {
    markPaymentPending: record('markPaymentPending'),
    commitStock: async (orderId) => {
      calls.push(`commitStock(${orderId})`);
      return true;
    },
    releaseStock: record('releaseStock'),
    confirmOrder: record('confirmOrder'),
    endOrder: record('endOrder'),
    refundPayment: record('refundPayment'),
  };
  return { activities, calls };
};

const farDeadline = () => new Date(Date.now() + 600_000).toISOString();

describe('memory saga runner', () => {
  it('rejects signals for an order without a saga', async () => {
    const runner = createMemorySagaRunner({ activities: recordingActivities().activities });
    await expect(runner.signal('nope', { type: 'cancel', reason: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await runner.describe('nope')).toBeNull();
    await runner.close();
  });

  it('rejects an unreadable deadline', async () => {
    const runner = createMemorySagaRunner({ activities: recordingActivities().activities });
    await expect(runner.start({ orderId: 'o1', paymentDeadline: 'tomorrow-ish' })).rejects.toBeInstanceOf(LimitedCartError);
    await runner.close();
  });

  it('close ends waiting sagas and cancels their timers', async () => {
    const { activities, calls } = recordingActivities();
    const runner = createMemorySagaRunner({ activities });
    await runner.start({ orderId: 'o1', paymentDeadline: farDeadline() });
    await waitFor(async () => (await runner.describe('o1'))?.step === 'awaiting-payment');
    await runner.close();
    expect(await runner.describe('o1')).toMatchObject({ status: 'FAILED', error: 'saga runner closed' });
    expect(calls).toEqual(['markPaymentPending(o1)']);
    await expect(runner.start({ orderId: 'o2', paymentDeadline: farDeadline() })).rejects.toThrow('closed');
  });

  it('close lets an activity in flight finish and logs one line for the open sagas, no error per saga', async () => {
    const { activities, calls } = recordingActivities();
    const lines: { level: string; message: string }[] = [];
    const logger = recordingLogger(lines);
    let finishCommit: (() => void) | undefined;
    const runner = createMemorySagaRunner({
      activities: {
        ...activities,
        commitStock: (orderId) =>
          new Promise<boolean>((resolve) => {
            finishCommit = () => {
              calls.push(`commitStock(${orderId})`);
              resolve(true);
            };
          }),
      },
      logger,
    });
    for (const orderId of ['o1', 'o2', 'o3']) await runner.start({ orderId, paymentDeadline: farDeadline() });
    await runner.signal('o1', { type: 'payment-succeeded', paymentId: 'p1' });
    await waitFor(() => finishCommit !== undefined, { message: 'commitStock of o1 to start' });

    const closing = runner.close();
    finishCommit?.();
    await closing;
    // The commit in flight completed; nothing ran after close began.
    expect(calls.filter((call) => call.startsWith('commitStock') || call.startsWith('confirmOrder'))).toEqual(['commitStock(o1)']);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
    expect(lines.filter((line) => line.level === 'warn')).toEqual([
      { level: 'warn', message: 'in-memory saga runner closed with sagas in flight; they end with this process' },
    ]);
  });

  it('gives up after the retry budget and fails the saga when nothing can be written', async () => {
    const attempts: string[] = [];
    const { activities, calls } = recordingActivities();
    const unreachable = (name: string) => async () => {
      attempts.push(name);
      throw new Error('database unreachable');
    };
    const runner = createMemorySagaRunner({
      activities: { ...activities, markPaymentPending: unreachable('mark'), endOrder: unreachable('end') },
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
    });
    await runner.start({ orderId: 'o1', paymentDeadline: farDeadline() });
    expect(await runner.settled('o1')).toBeNull();
    expect(attempts).toEqual(['mark', 'mark', 'mark', 'end', 'end', 'end']);
    expect(calls).toEqual(['releaseStock(o1)']);
    expect(await runner.describe('o1')).toMatchObject({ status: 'FAILED', error: 'database unreachable', step: 'compensating' });
    await runner.close();
  });

  it('refunds payments queued behind a saga that failed', async () => {
    const { activities, calls } = recordingActivities();
    let releaseConfirm: (() => void) | undefined;
    const runner = createMemorySagaRunner({
      activities: {
        ...activities,
        confirmOrder: () =>
          new Promise<void>((_, reject) => {
            releaseConfirm = () => reject(new LimitedCartError('ILLEGAL_TRANSITION', 'already ended'));
          }),
      },
    });
    await runner.start({ orderId: 'o1', paymentDeadline: farDeadline() });
    await runner.signal('o1', { type: 'payment-succeeded', paymentId: 'p1' });
    await waitFor(() => releaseConfirm !== undefined, { message: 'confirmOrder to start' });
    expect(await runner.signal('o1', { type: 'payment-succeeded', paymentId: 'p2' })).toEqual({ delivered: true });
    releaseConfirm?.();
    expect(await runner.settled('o1')).toBeNull();
    await waitFor(() => calls.includes('refundPayment(o1,p2)'));
    expect(calls).not.toContain('refundPayment(o1,p1)');
    await runner.close();
  });
});

/** A logger that keeps each line's level and message. */
function recordingLogger(lines: { level: string; message: string }[]): Logger {
  const at =
    (level: string) =>
    (message: string): void => {
      lines.push({ level, message });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}
