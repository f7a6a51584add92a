import type { SagaSignal } from '../ports/saga-runner.js';
import type { OrderSagaActivities } from './activities.js';

/**
 * What a runner gives the saga. The saga is written once against this; a runner makes each call durable
 * (Temporal: activities + signals + a durable timer; pg-boss: a journal replayed on every resume; in-memory:
 * plain calls). The saga must stay deterministic: it reads time and input only through this context.
 */
export interface SagaContext {
  /** Runs an activity durably: once it has succeeded its result is recorded and never re-run. */
  activity<K extends keyof OrderSagaActivities>(
    name: K,
    ...args: Parameters<OrderSagaActivities[K]>
  ): Promise<Awaited<ReturnType<OrderSagaActivities[K]>>>;
  /** The next signal not yet consumed, or null once `deadline` passes with none. */
  nextSignal(deadline: Date): Promise<SagaSignal | null>;
  /** Signals that arrived but were not consumed; called once, just before the saga returns. */
  drainSignals(): Promise<readonly SagaSignal[]>;
  /** Names the current step for `describe`; not durable, purely informative. */
  step(name: string): void;
}
