import { type OrderSagaResult, type orderSaga, type SagaContext, sagaSignalKey } from '@limitedcart/core/saga';
import { defineQuery, defineSignal } from '@temporalio/workflow';

// The port types, read off the saga's own signature: workflow code imports only `@limitedcart/core/saga`,
// the one core entry that is guaranteed free of Node built-ins.
export type SagaSignal = NonNullable<Awaited<ReturnType<SagaContext['nextSignal']>>>;
export type OrderSagaInput = Parameters<typeof orderSaga>[1];

/**
 * Names and shapes shared by the workflow code and the client. Kept free of Node built-ins: the workflow
 * bundle includes this module.
 */

/** One signal for all three saga signals: the payload's `type` tells them apart, as in core's `SagaSignal`. */
export const sagaSignal = defineSignal<[SagaSignal]>('saga-signal');

/** What the `describe` query returns while the saga runs (and, by replay, after it ended). */
export interface SagaWorkflowState {
  readonly step: string;
  /** False once the saga drained its signals: a signal after that is handled by the late-signal policy. */
  readonly accepting: boolean;
  readonly signalsSeen: readonly string[];
}

export const describeQuery = defineQuery<SagaWorkflowState>('describe');

/** The workflow's result: core's saga result plus what the runner needs once the workflow is closed. */
export interface OrderSagaWorkflowResult extends OrderSagaResult {
  /** The step the saga ended in. */
  readonly step: string;
  /** Dedupe keys (`signalKey`) of every signal the workflow received. */
  readonly signalsSeen: readonly string[];
}

/** Per-run tuning passed as the workflow's second argument, so a worker needs no configuration of its own. */
export interface SagaWorkflowTuning {
  /** How long one activity attempt may run before Temporal retries it (e.g. on a crashed worker). */
  readonly activityStartToCloseTimeoutMs: number;
  /**
   * Run the saga's short database steps (every activity but `refundPayment`, which calls the gateway) as local
   * activities: in the worker that runs the workflow task, recorded with the task's completion, instead of as
   * activity tasks of their own. A saga then reaches PAYMENT_PENDING in one workflow task instead of two plus an
   * activity task. Absent in histories recorded before it existed, which therefore replay with regular activities.
   */
  readonly localActivities?: boolean;
}

export const DEFAULT_WORKFLOW_TUNING: SagaWorkflowTuning = { activityStartToCloseTimeoutMs: 30_000 };

/** Failure type of a workflow whose saga threw; its details are one `SagaFailureDetails`. */
export const SAGA_FAILED_TYPE = 'OrderSagaFailed';

export interface SagaFailureDetails {
  /** The step the saga failed in. */
  readonly step: string;
  /** Dedupe keys of every signal the workflow received: a payment it consumed may have been kept. */
  readonly signalsSeen: readonly string[];
}

/**
 * Dedupe key of a signal: a repeated webhook (same payment, same outcome) or a second cancel acts once.
 */
export const signalKey = (signal: SagaSignal): string => sagaSignalKey(signal);

/** Workflow id of the short workflow applying the late-signal policy to one signal, exactly once. */
export const lateSignalWorkflowId = (orderId: string, signal: SagaSignal): string =>
  `late-signal-${orderId}-${signalKey(signal)}`;
