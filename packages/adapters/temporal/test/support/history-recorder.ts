import { LimitedCartError } from '@limitedcart/core';
import { waitFor } from '@limitedcart/core/testing';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DEFAULT_WORKFLOW_TUNING, sagaSignal } from '../../src/definitions.js';
import { createTemporalSagaRunner, createTemporalSagaWorker } from '../../src/index.js';
import { FakeActivities } from './fake-activities.js';

/** One closed workflow's history in Temporal's JSON history format (as `temporal workflow show -o json`). */
export interface RecordedHistory {
  readonly name: string;
  readonly workflowId: string;
  readonly json: string;
}

/**
 * Runs one saga per ending the workflow code has (confirmed, cancelled, expired, failed for good, confirmed after a
 * declined attempt and a hold extension, cancelled by a signal that was waiting before the first workflow task) on a
 * fresh task queue with an in-process worker, and returns their histories once closed. `workflowsPath` runs
 * another version of the workflow code.
 */
export async function recordSagaHistories(address: string, prefix: string, workflowsPath?: string): Promise<RecordedHistory[]> {
  const activities = new FakeActivities();
  const taskQueue = `${prefix}-queue`;
  const worker = createTemporalSagaWorker({ address, taskQueue, activities, ...(workflowsPath ? { workflowsPath } : {}) });
  const running = worker.run();
  const runner = createTemporalSagaRunner({ address, taskQueue });
  const connection = await Connection.connect({ address });
  try {
    const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
    const paid = (orderId: string) => runner.signal(orderId, { type: 'payment-succeeded', paymentId: `${orderId}-pay` });
    const cancelled = (orderId: string) => runner.signal(orderId, { type: 'cancel', reason: 'shopper cancelled' });
    const client = new Client({ connection });
    const scenarios: {
      name: string;
      deadlineMs: number;
      drive?: (orderId: string) => Promise<unknown>;
      /** Starts the workflow itself, with its first signal already waiting (no runner start). */
      startWith?: (orderId: string, paymentDeadline: string) => Promise<unknown>;
    }[] = [
      { name: 'confirmed', deadlineMs: 600_000, drive: paid },
      { name: 'cancelled', deadlineMs: 600_000, drive: cancelled },
      { name: 'expired', deadlineMs: 1_000 },
      // No drive: a non-retryable fault in the first step makes the saga compensate and fail the order.
      { name: 'failed', deadlineMs: 600_000 },
      // A decline (the saga keeps waiting: a `patched` marker), a hold extension, then a good card.
      {
        name: 'retried',
        deadlineMs: 600_000,
        drive: async (orderId) => {
          await runner.signal(orderId, { type: 'payment-failed', paymentId: `${orderId}-declined`, reason: 'card declined' });
          await runner.signal(orderId, { type: 'hold-extended', holdUntil: inMs(720_000) });
          await paid(orderId);
        },
      },
      // Local activities, and a cancel in the history before the first workflow task: the saga records its first
      // step before acting on the cancel (a `patched` marker and a 1 ms timer).
      {
        name: 'signalled',
        deadlineMs: 600_000,
        startWith: (orderId, paymentDeadline) =>
          client.workflow.signalWithStart('orderSagaWorkflow', {
            workflowId: orderId,
            taskQueue,
            args: [{ orderId, paymentDeadline }, { ...DEFAULT_WORKFLOW_TUNING, localActivities: true }],
            signal: sagaSignal,
            signalArgs: [{ type: 'cancel', reason: 'shopper cancelled' }],
          }),
      },
    ];
    const recorded: RecordedHistory[] = [];
    for (const scenario of scenarios) {
      const orderId = `${prefix}-${scenario.name}`;
      activities.place(orderId);
      if (scenario.drive === undefined && scenario.name === 'failed') {
        activities.failNext('markPaymentPending', orderId, new LimitedCartError('INTERNAL', 'order store rejected the write'));
      }
      if (scenario.startWith !== undefined) await scenario.startWith(orderId, inMs(scenario.deadlineMs));
      else await runner.start({ orderId, paymentDeadline: inMs(scenario.deadlineMs) });
      if (scenario.drive !== undefined) {
        await waitFor(async () => (await runner.describe(orderId))?.step === 'awaiting-payment', {
          message: `${orderId} awaiting payment`,
        });
        await scenario.drive(orderId);
      }
      await waitFor(async () => (await runner.describe(orderId))?.status === 'COMPLETED', { message: `${orderId} completed` });
      const history = await client.workflow.getHandle(orderId).fetchHistory();
      recorded.push({ name: scenario.name, workflowId: orderId, json: historyToJSON(history) });
    }
    return recorded;
  } finally {
    await connection.close();
    await runner.close();
    await worker.shutdown();
    await running;
  }
}
