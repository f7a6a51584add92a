import type { HealthReport, SagaDescription, SagaRunner, SignalResult } from '@limitedcart/core';
import { LimitedCartError } from '@limitedcart/core';
import {
  ApplicationFailure,
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from '@temporalio/client';
import {
  describeQuery,
  type OrderSagaInput,
  type OrderSagaWorkflowResult,
  lateSignalWorkflowId,
  SAGA_FAILED_TYPE,
  type SagaFailureDetails,
  type SagaSignal,
  type SagaWorkflowTuning,
  sagaSignal,
  signalKey,
} from './definitions.js';
import {
  DEFAULT_ACTIVITY_START_TO_CLOSE_TIMEOUT_MS,
  DEFAULT_LOCAL_ACTIVITIES,
  DEFAULT_NAMESPACE,
  DEFAULT_QUERY_TIMEOUT_MS,
  DEFAULT_TASK_QUEUE,
  type TemporalSagaRunnerOptions,
} from './options.js';
import type { NativeConnection } from '@temporalio/worker';
import type { lateSignalWorkflow, orderSagaWorkflow } from './workflows.js';

/** A SagaRunner on Temporal, plus the lifecycle of its connection. */
export interface TemporalSagaRunner extends SagaRunner {
  /** Closes the connection to Temporal. Running sagas are unaffected: they live on the server. */
  close(): Promise<void>;
  /** Whether the Temporal frontend answers (its system info, within a few seconds). */
  health(): Promise<HealthReport>;
  /**
   * Sagas this runner started, and how many of them the server handed straight to a worker of this process
   * (eager start, see `TemporalSagaRunnerOptions.localWorkerConnection`).
   */
  startCounts(): { readonly started: number; readonly eagerly: number };
}

const HEALTH_DEADLINE_MS = 1_500;

/**
 * gRPC backs off up to two minutes between reconnection attempts after a frontend went away; a frontend that
 * restarts is back within seconds, and webhooks and saga starts wait on this channel meanwhile.
 */
const RECONNECT_QUICKLY = { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 2_000 };

/** The step `describe` reports for a running saga whose worker did not answer the step query in time. */
export const UNKNOWN_STEP = 'unknown (no worker answered)';

/** Starting an order's workflow twice never creates a second one, even after the first has closed. */
const ONCE = { workflowIdReusePolicy: 'REJECT_DUPLICATE', workflowIdConflictPolicy: 'FAIL' } as const;

const infrastructure = (what: string, cause: unknown): LimitedCartError =>
  new LimitedCartError('INFRASTRUCTURE', `temporal: ${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
    cause,
  });

/** What a failed saga workflow recorded in its failure details, if it got that far. */
const failureDetails = (error: WorkflowFailedError): SagaFailureDetails | null => {
  const cause = error.cause;
  if (cause instanceof ApplicationFailure && cause.type === SAGA_FAILED_TYPE) {
    const [first] = cause.details ?? [];
    if (typeof first === 'object' && first !== null && 'step' in first && 'signalsSeen' in first) {
      return first as SagaFailureDetails;
    }
  }
  return null;
};

/**
 * Creates the SagaRunner for Temporal: the workflow id is the order id, signals go to the running workflow,
 * a signal for a workflow that already closed gets core's late-signal policy through a short workflow whose
 * id makes it run once. Does no IO until first use. Needs a worker (`createTemporalSagaWorker`) on the same
 * task queue to make progress.
 */
export const createTemporalSagaRunner = (options: TemporalSagaRunnerOptions): TemporalSagaRunner => {
  const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const tuning: SagaWorkflowTuning = {
    activityStartToCloseTimeoutMs: options.activityStartToCloseTimeoutMs ?? DEFAULT_ACTIVITY_START_TO_CLOSE_TIMEOUT_MS,
    localActivities: options.localActivities ?? DEFAULT_LOCAL_ACTIVITIES,
  };
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  let connecting: Promise<{ connection: Connection; client: Client }> | undefined;
  const counts = { started: 0, eagerly: 0 };
  /** One client per worker connection; a worker that restarts brings a new connection. */
  const eagerClients = new WeakMap<NativeConnection, Client>();

  const connect = (): Promise<{ connection: Connection; client: Client }> => {
    connecting ??= Connection.connect({ address: options.address, channelArgs: RECONNECT_QUICKLY }).then(
      (connection) => ({ connection, client: new Client({ connection, namespace }) }),
      (cause: unknown) => {
        connecting = undefined; // the next call tries again
        throw infrastructure(`connecting to ${options.address}`, cause);
      },
    );
    return connecting;
  };

  /** The local worker's connection when there is one (eager start), else this runner's own. */
  const startingClient = async (): Promise<{ client: Client; eager: boolean }> => {
    const local = options.localWorkerConnection?.();
    if (local === undefined) return { client: (await connect()).client, eager: false };
    let client = eagerClients.get(local);
    if (client === undefined) {
      client = new Client({ connection: local, namespace });
      eagerClients.set(local, client);
    }
    return { client, eager: true };
  };

  const sagaHandle = async (orderId: string): Promise<WorkflowHandle<typeof orderSagaWorkflow>> =>
    (await connect()).client.workflow.getHandle<typeof orderSagaWorkflow>(orderId);

  /**
   * Dedupe keys of the signals a closed saga received, from its result or failure details. A workflow ended
   * from outside (terminated, timed out) reports none.
   */
  const signalsSeenByClosed = async (handle: WorkflowHandle<typeof orderSagaWorkflow>): Promise<readonly string[]> => {
    try {
      return (await handle.result()).signalsSeen;
    } catch (error) {
      if (error instanceof WorkflowFailedError) return failureDetails(error)?.signalsSeen ?? [];
      throw infrastructure(`reading the result of order ${handle.workflowId}`, error);
    }
  };

  /** Core's late-signal policy in a workflow whose id makes it run once per order and signal. */
  const applyLatePolicy = async (orderId: string, signal: SagaSignal): Promise<void> => {
    const { client } = await connect();
    try {
      const handle = await client.workflow.start<typeof lateSignalWorkflow>('lateSignalWorkflow', {
        ...ONCE,
        workflowId: lateSignalWorkflowId(orderId, signal),
        taskQueue,
        args: [orderId, signal, tuning],
      });
      await handle.result();
    } catch (error) {
      // Another call already handles this very signal: it acts once, there.
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      throw infrastructure(`late signal for order ${orderId}`, error);
    }
  };

  return {
    async start(input: OrderSagaInput) {
      if (Number.isNaN(new Date(input.paymentDeadline).getTime())) {
        throw new LimitedCartError('VALIDATION', `invalid payment deadline ${input.paymentDeadline}`);
      }
      const { client, eager } = await startingClient();
      try {
        const handle = await client.workflow.start<typeof orderSagaWorkflow>('orderSagaWorkflow', {
          ...ONCE,
          workflowId: input.orderId,
          taskQueue,
          args: [{ orderId: input.orderId, paymentDeadline: input.paymentDeadline }, tuning],
          // Granted only while the local worker has a free workflow-task slot; otherwise the task is queued as usual.
          ...(eager ? { requestEagerStart: true } : {}),
        });
        counts.started += 1;
        if (handle.eagerlyStarted) counts.eagerly += 1;
        return { started: true };
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return { started: false };
        throw infrastructure(`starting the saga of order ${input.orderId}`, error);
      }
    },

    async signal(orderId, signal): Promise<SignalResult> {
      const handle = await sagaHandle(orderId);
      try {
        await handle.signal(sagaSignal, signal);
        return { delivered: true };
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw infrastructure(`signalling order ${orderId}`, error);
      }
      // Not running: either never started, or closed.
      try {
        await handle.describe();
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          throw new LimitedCartError('NOT_FOUND', `no saga for order ${orderId}`, { details: { orderId } });
        }
        throw infrastructure(`describing order ${orderId}`, error);
      }
      // A duplicate of a signal the saga received was already kept or refunded by the saga itself. A hold extension
      // has nothing to undo once the saga ended: no workflow is started for it.
      if (signal.type === 'hold-extended') return { delivered: false };
      if (!(await signalsSeenByClosed(handle)).includes(signalKey(signal))) await applyLatePolicy(orderId, signal);
      return { delivered: false };
    },

    /** One describe call to the frontend: unlike `describe`, no worker is asked for the step. */
    async exists(orderId): Promise<boolean> {
      const handle = await sagaHandle(orderId);
      try {
        await handle.describe();
        return true;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return false;
        throw infrastructure(`describing order ${orderId}`, error);
      }
    },

    async describe(orderId): Promise<SagaDescription | null> {
      const handle = await sagaHandle(orderId);
      let status: string;
      try {
        status = (await handle.describe()).status.name;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return null;
        throw infrastructure(`describing order ${orderId}`, error);
      }
      if (status === 'RUNNING') {
        // The frontend said RUNNING; only the step needs a worker to answer the query. Callers on the order path
        // (starting a saga, a webhook, a cancel, the expiry sweep) need the status alone, so a worker that is
        // down or still re-polling after a frontend restart must not turn them into errors: the step is then
        // reported as unknown.
        const { connection } = await connect();
        try {
          const state = await connection.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(describeQuery));
          return { orderId, status: 'RUNNING', step: state.step, outcome: null, error: null };
        } catch {
          return { orderId, status: 'RUNNING', step: UNKNOWN_STEP, outcome: null, error: null };
        }
      }
      let result: OrderSagaWorkflowResult;
      try {
        result = await handle.result();
      } catch (error) {
        if (error instanceof WorkflowFailedError) {
          const message = error.cause?.message ?? error.message;
          return { orderId, status: 'FAILED', step: failureDetails(error)?.step ?? 'failed', outcome: null, error: message };
        }
        throw infrastructure(`reading the result of order ${orderId}`, error);
      }
      const error =
        result.compensationFailures.length > 0 ? `compensation failed: ${result.compensationFailures.join('; ')}` : null;
      return { orderId, status: 'COMPLETED', step: result.step, outcome: result.status, error };
    },

    async health(): Promise<HealthReport> {
      try {
        const { connection } = await connect();
        await connection.withDeadline(Date.now() + HEALTH_DEADLINE_MS, () => connection.workflowService.getSystemInfo({}));
        return { name: 'temporal', ok: true, detail: `${options.address}, task queue ${taskQueue}` };
      } catch (error) {
        return { name: 'temporal', ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },

    startCounts: () => ({ ...counts }),

    async close() {
      const current = connecting;
      connecting = undefined;
      if (current !== undefined) await (await current.catch(() => undefined))?.connection.close();
    },
  };
};
