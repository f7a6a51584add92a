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
  /**
   * Whether this run of the saga takes the code path of `changeId`, for a change of the saga made while sagas are
   * in flight: a saga whose recorded history reached this point under the old code answers false (and keeps the old
   * path on replay); every other run answers true and records that it did. Runners without recorded histories may
   * leave it out: the saga then always takes the new path.
   */
  patched?(changeId: string): Promise<boolean>;
  /** Names the current step for `describe`; not durable, purely informative. */
  step(name: string): void;
}
