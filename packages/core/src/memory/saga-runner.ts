import { LimitedCartError } from '../domain/errors.js';
import type { TerminalOrderStatus } from '../domain/order.js';
import type {
  OrderSagaInput,
  SagaDescription,
  SagaRunner,
  SagaSignal,
  SagaStatus,
  SignalResult,
} from '../ports/saga-runner.js';
import type { Clock, Logger } from '../ports/small-ports.js';
import type { ActivityName, OrderSagaActivities } from '../saga/activities.js';
import type { SagaContext } from '../saga/context.js';
import { handleLateSignal, type OrderSagaResult, orderSaga } from '../saga/order-saga.js';
import { ACTIVITY_RETRY, isRetryableError, type RetryPolicy, retryDelayMs } from '../saga/retry.js';
import { sagaSignalKey } from '../saga/signal-key.js';
import { createSystemClock } from './clock.js';
import { createSilentLogger } from './logger.js';

export interface MemorySagaRunnerOptions {
  readonly activities: OrderSagaActivities;
  /** Reads "now" for the payment deadline; waiting itself uses real timers. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Overrides parts of `ACTIVITY_RETRY` (tests shorten the delays). */
  readonly retry?: Partial<RetryPolicy>;
}

export interface MemorySagaRunner extends SagaRunner {
  /** The saga's result once it ends; null if it failed or was never started. */
  settled(orderId: string): Promise<OrderSagaResult | null>;
  /**
   * Stops: activities in flight finish, nothing runs after them, pending timers are cancelled and sagas still
   * running end FAILED with "saga runner closed" (one log line for all of them: stopping is not a saga failure).
   */
  close(): Promise<void>;
}

interface SagaState {
  status: SagaStatus;
  step: string;
  outcome: TerminalOrderStatus | null;
  error: string | null;
  /** Delivered, not yet consumed by the saga. */
  readonly queue: SagaSignal[];
  /** Dedupe keys of every signal delivered, so a repeated webhook acts once. */
  readonly seen: Set<string>;
  /** False once the saga drained its signals: anything later is a late signal. */
  accepting: boolean;
  wake: (() => void) | null;
  done: Promise<OrderSagaResult | null>;
}

interface PendingWait {
  readonly timer: ReturnType<typeof setTimeout>;
  readonly cancel: (reason: Error) => void;
}

/** setTimeout's ceiling; longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

const dedupeKey = sagaSignalKey;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs the order saga in this process: no durability (a restart forgets running sagas; the gate's expiry
 * sweep then frees their stock), but the same saga definition, retry policy and signal semantics as the
 * durable runners. For tests, demos and single-process embedding.
 */
export const createMemorySagaRunner = (options: MemorySagaRunnerOptions): MemorySagaRunner => {
  const { activities } = options;
  const clock = options.clock ?? createSystemClock();
  const logger = options.logger ?? createSilentLogger();
  const policy: RetryPolicy = { ...ACTIVITY_RETRY, ...options.retry };
  const sagas = new Map<string, SagaState>();
  const waits = new Set<PendingWait>();
  let closed = false;
  const closedError = (): LimitedCartError => new LimitedCartError('INTERNAL', 'saga runner closed');

  /** Waits `ms`, or until `register`'s wake-up is called; rejects when the runner closes. */
  const wait = (ms: number, register?: (wake: () => void) => void): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (closed) {
        reject(closedError());
        return;
      }
      const finish = (): void => {
        clearTimeout(entry.timer);
        waits.delete(entry);
        resolve();
      };
      const entry: PendingWait = {
        timer: setTimeout(finish, Math.max(0, Math.min(ms, MAX_TIMER_MS))),
        cancel: (reason) => {
          clearTimeout(entry.timer);
          waits.delete(entry);
          reject(reason);
        },
      };
      waits.add(entry);
      register?.(finish);
    });

  const runActivity = async <T>(orderId: string, name: ActivityName, call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt += 1) {
      if (closed) throw closedError();
      try {
        return await call();
      } catch (error) {
        if (!isRetryableError(error) || attempt >= policy.maxAttempts) throw error;
        const delayMs = retryDelayMs(policy, attempt);
        logger.warn('saga activity failed, retrying', { orderId, activity: name, attempt, delayMs, error });
        await wait(delayMs);
      }
    }
  };

  const invoke = <K extends ActivityName>(
    orderId: string,
    name: K,
    args: Parameters<OrderSagaActivities[K]>,
  ): Promise<Awaited<ReturnType<OrderSagaActivities[K]>>> =>
    runActivity(orderId, name, () => {
      const method = activities[name] as (...params: Parameters<OrderSagaActivities[K]>) => Promise<unknown>;
      return method.apply(activities, args) as Promise<Awaited<ReturnType<OrderSagaActivities[K]>>>;
    });

  const retriedRefunds: Pick<OrderSagaActivities, 'refundPayment'> = {
    refundPayment: (orderId, paymentId) => invoke(orderId, 'refundPayment', [orderId, paymentId]),
  };

  const contextFor = (orderId: string, saga: SagaState): SagaContext => ({
    activity: (name, ...args) => invoke(orderId, name, args),
    async nextSignal(deadline) {
      for (;;) {
        const next = saga.queue.shift();
        if (next !== undefined) return next;
        const remaining = deadline.getTime() - clock.now().getTime();
        if (!(remaining > 0)) return null;
        await wait(remaining, (wake) => {
          saga.wake = wake;
        });
        saga.wake = null;
      }
    },
    async drainSignals() {
      saga.accepting = false;
      return saga.queue.splice(0);
    },
    step(name) {
      saga.step = name;
    },
  });

  /** A saga that failed cannot consume what is queued: apply the late-signal policy so no payment is kept. */
  const settleQueued = async (orderId: string, saga: SagaState): Promise<void> => {
    saga.accepting = false;
    for (const signal of saga.queue.splice(0)) {
      try {
        await handleLateSignal(retriedRefunds, orderId, signal);
      } catch (error) {
        logger.error('late signal of a failed saga not handled', { orderId, signal: signal.type, error });
      }
    }
  };

  const launch = (input: OrderSagaInput, saga: SagaState): Promise<OrderSagaResult | null> =>
    orderSaga(contextFor(input.orderId, saga), input).then(
      (result) => {
        saga.status = 'COMPLETED';
        saga.outcome = result.status;
        saga.error =
          result.compensationFailures.length > 0
            ? `compensation failed: ${result.compensationFailures.join('; ')}`
            : null;
        saga.accepting = false;
        logger.info('saga completed', { orderId: input.orderId, outcome: result.status, error: saga.error });
        return result;
      },
      async (error: unknown) => {
        saga.accepting = false;
        saga.status = 'FAILED';
        saga.error = messageOf(error);
        // Closing interrupts every waiting saga: that is the stop, not a failure of each one (`close` says it once).
        if (closed) return null;
        logger.error('saga failed', { orderId: input.orderId, step: saga.step, error });
        await settleQueued(input.orderId, saga);
        return null;
      },
    );

  return {
    async start(input) {
      if (closed) throw closedError();
      if (Number.isNaN(new Date(input.paymentDeadline).getTime())) {
        throw new LimitedCartError('VALIDATION', `invalid payment deadline ${input.paymentDeadline}`);
      }
      // Check-and-insert with no await in between: concurrent starts of one order start one saga.
      if (sagas.has(input.orderId)) return { started: false };
      const saga: SagaState = {
        status: 'RUNNING',
        step: 'starting',
        outcome: null,
        error: null,
        queue: [],
        seen: new Set(),
        accepting: true,
        wake: null,
        done: Promise.resolve(null),
      };
      sagas.set(input.orderId, saga);
      saga.done = launch(input, saga);
      return { started: true };
    },

    async signal(orderId, signal): Promise<SignalResult> {
      const saga = sagas.get(orderId);
      if (saga === undefined) {
        throw new LimitedCartError('NOT_FOUND', `no saga for order ${orderId}`, { details: { orderId } });
      }
      const key = dedupeKey(signal);
      const duplicate = saga.seen.has(key);
      saga.seen.add(key);
      if (saga.accepting) {
        if (!duplicate) {
          saga.queue.push(signal);
          saga.wake?.();
        }
        return { delivered: true };
      }
      // A duplicate of a delivered payment was already kept or refunded by the saga itself.
      if (!duplicate) await handleLateSignal(retriedRefunds, orderId, signal);
      return { delivered: false };
    },

    async describe(orderId): Promise<SagaDescription | null> {
      const saga = sagas.get(orderId);
      if (saga === undefined) return null;
      return { orderId, status: saga.status, step: saga.step, outcome: saga.outcome, error: saga.error };
    },

    async settled(orderId) {
      return (await sagas.get(orderId)?.done) ?? null;
    },

    async close() {
      if (closed) return;
      closed = true;
      const interrupted = [...sagas.values()].filter((saga) => saga.status === 'RUNNING').length;
      for (const pending of [...waits]) pending.cancel(closedError());
      await Promise.all([...sagas.values()].map((saga) => saga.done));
      if (interrupted > 0) {
        logger.warn('in-memory saga runner closed with sagas in flight; they end with this process', { interrupted });
      }
    },
  };
};
