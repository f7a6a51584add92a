import {
  ACTIVITY_NAMES,
  ACTIVITY_RETRY,
  handleLateSignal,
  type OrderSagaActivities,
  type OrderSagaResult,
  orderSaga,
  type SagaContext,
} from '@limitedcart/core/saga';
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import {
  DEFAULT_WORKFLOW_TUNING,
  describeQuery,
  sagaSignal,
  type OrderSagaInput,
  type OrderSagaWorkflowResult,
  SAGA_FAILED_TYPE,
  type SagaFailureDetails,
  type SagaSignal,
  type SagaWorkflowTuning,
  signalKey,
} from './definitions.js';

/**
 * The change id of "local steps are recorded before the saga acts on a signal that was already waiting": sagas
 * that acted on one within the same workflow task before it was made keep doing so when their history is replayed.
 */
const RECORD_LOCAL_STEPS_CHANGE = 'record-local-steps-before-waiting-signal';

/*
 * Workflow code: bundled by the worker and run in Temporal's deterministic sandbox. It must stay free of Node
 * built-ins and IO (enforced by biome's noRestrictedImports override for this file and by the bundle test);
 * every effect goes through an activity, every wait through `condition`, which Temporal makes durable.
 */

/** Whether an activity of `activitiesFor(tuning)` runs as a local activity. */
const runsLocally = (tuning: SagaWorkflowTuning, name: keyof OrderSagaActivities): boolean =>
  tuning.localActivities === true && name !== 'refundPayment';

const activitiesFor = (tuning: SagaWorkflowTuning): OrderSagaActivities => {
  const options = {
    startToCloseTimeout: tuning.activityStartToCloseTimeoutMs,
    // Core's one retry policy. Business errors arrive as non-retryable ApplicationFailures (see activities.ts).
    retry: {
      maximumAttempts: ACTIVITY_RETRY.maxAttempts,
      initialInterval: ACTIVITY_RETRY.initialDelayMs,
      maximumInterval: ACTIVITY_RETRY.maxDelayMs,
      backoffCoefficient: ACTIVITY_RETRY.backoff,
    },
  };
  const remote = proxyActivities<OrderSagaActivities>(options);
  if (tuning.localActivities !== true) return remote;
  // A refund calls the payment gateway: it stays an activity task, retried by the server on any worker.
  const local = proxyLocalActivities<OrderSagaActivities>(options);
  // The proxies are lookups by name (no own keys to spread): pick each activity from one or the other.
  const chosen = {} as Record<keyof OrderSagaActivities, unknown>;
  for (const name of ACTIVITY_NAMES) chosen[name] = runsLocally(tuning, name) ? local[name] : remote[name];
  return chosen as OrderSagaActivities;
};

type ActivityCall = (...args: unknown[]) => Promise<unknown>;

/**
 * Runs a proxied activity and, when it fails for good, rethrows the activity's own failure (message and type
 * as the activity threw them) instead of Temporal's "Activity task failed" wrapper: the saga writes that
 * message into the order's status reason and its compensation report.
 */
const callActivity = async (call: ActivityCall, args: unknown[]): Promise<unknown> => {
  try {
    return await call(...args);
  } catch (error) {
    throw error instanceof ActivityFailure && error.cause !== undefined ? error.cause : error;
  }
};

/**
 * Core's order saga as a Temporal workflow; the workflow id is the order id. The saga runs against a
 * `SagaContext` made of Temporal primitives: activities for IO, one signal for payment/cancel, a durable timer
 * (`condition` with a timeout) for the payment deadline, and a query for the current step.
 */
export async function orderSagaWorkflow(
  input: OrderSagaInput,
  tuning: SagaWorkflowTuning = DEFAULT_WORKFLOW_TUNING,
): Promise<OrderSagaWorkflowResult> {
  const activities = activitiesFor(tuning);
  const queue: SagaSignal[] = [];
  const late: SagaSignal[] = [];
  const seen = new Set<string>();
  let accepting = true;
  let step = 'starting';
  /** A local activity completed since the workflow last waited: its result is not in the history yet. */
  let unrecordedLocalSteps = false;

  setHandler(sagaSignal, (signal) => {
    const key = signalKey(signal);
    if (seen.has(key)) return;
    seen.add(key);
    (accepting ? queue : late).push(signal);
  });
  setHandler(describeQuery, () => ({ step, accepting, signalsSeen: [...seen] }));

  const ctx: SagaContext = {
    activity: <K extends keyof OrderSagaActivities>(name: K, ...args: Parameters<OrderSagaActivities[K]>) =>
      callActivity(activities[name] as ActivityCall, args).then((result) => {
        if (runsLocally(tuning, name)) unrecordedLocalSteps = true;
        return result as Awaited<ReturnType<OrderSagaActivities[K]>>;
      }),
    async nextSignal(deadline) {
      const ready = queue.shift();
      if (ready !== undefined) {
        // A signal that arrived before this workflow task started is handed over at once, in the same task as
        // the local steps before it. Local results are recorded only when the task completes: a worker that
        // dies before that leaves the task to another worker, which runs those steps again after the signal's
        // steps already took effect, and PENDING → PAYMENT_PENDING cannot run again once the order ended. A
        // 1 ms timer completes the task (recording the steps) before the saga acts on the signal. Rare: a
        // signal that arrives while the task runs is delivered in the next one anyway.
        if (unrecordedLocalSteps && patched(RECORD_LOCAL_STEPS_CHANGE)) await sleep(1);
        unrecordedLocalSteps = false;
        return ready;
      }
      // Date.now() is the workflow's deterministic clock; the timeout below is a durable server-side timer.
      const remaining = deadline.getTime() - Date.now();
      if (!(remaining > 0)) return null;
      unrecordedLocalSteps = false; // the condition below waits: the task completes and records them
      const arrived = await condition(() => queue.length > 0, remaining);
      return arrived ? (queue.shift() ?? null) : null;
    },
    async drainSignals() {
      accepting = false;
      return queue.splice(0);
    },
    // Temporal's own versioning: a marker in new histories, false when replaying one recorded before the change.
    patched: async (changeId) => patched(changeId),
    step(name) {
      step = name;
    },
  };

  /** Signals that arrived after the drain (or were never consumed): core's late-signal policy, in here. */
  const settleLate = async (): Promise<string[]> => {
    accepting = false;
    late.unshift(...queue.splice(0));
    const refunded: string[] = [];
    for (let signal = late.shift(); signal !== undefined; signal = late.shift()) {
      await handleLateSignal(activities, input.orderId, signal);
      if (signal.type === 'payment-succeeded') refunded.push(signal.paymentId);
    }
    return refunded;
  };

  let result: OrderSagaResult;
  try {
    result = await orderSaga(ctx, input);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    try {
      await settleLate();
    } catch {
      // The saga already failed; the original error is the one worth reporting.
    }
    // An ApplicationFailure fails the workflow; any other error would only fail (and endlessly retry) the task.
    throw ApplicationFailure.create({
      message,
      type: SAGA_FAILED_TYPE,
      nonRetryable: true,
      details: [{ step, signalsSeen: [...seen] } satisfies SagaFailureDetails],
      cause: error instanceof Error ? error : undefined,
    });
  }
  const lateRefunds = [...result.lateRefunds, ...(await settleLate())];
  return { ...result, lateRefunds, step, signalsSeen: [...seen] };
}

/**
 * Applies core's late-signal policy to one signal that reached an order whose saga had already ended. Started
 * by the runner with id `late-signal-<orderId>-<signal key>`, so a repeated late signal acts once.
 */
export async function lateSignalWorkflow(
  orderId: string,
  signal: SagaSignal,
  tuning: SagaWorkflowTuning = DEFAULT_WORKFLOW_TUNING,
): Promise<void> {
  await handleLateSignal(activitiesFor(tuning), orderId, signal);
}
