import { validationError } from '../domain/errors.js';

/** What a process does. One image runs as any mix of roles; the default runs all of them. */
export const ENGINE_ROLES = ['api', 'worker', 'relay'] as const;
export type EngineRole = (typeof ENGINE_ROLES)[number];

export interface EngineConfig {
  /** How long a placed order holds its stock waiting for payment. Default 10 minutes. */
  readonly paymentWindowMs: number;
  /** Period of the expiry sweep (`expireHolds`) on worker processes. Default 5 seconds. */
  readonly sweepIntervalMs: number;
  /**
   * Whether this engine ships outbox rows to the event bus. Set it false when the bus reads the outbox
   * itself (Postgres LISTEN/NOTIFY), true when it is a separate transport (memory, Kafka). Default true.
   */
  readonly relay: boolean;
  /**
   * Start the saga right after the order commits, instead of only when `order.placed` is delivered.
   * Purely a latency gain: the subscriber still starts it (idempotently) if this start is lost. Default true.
   */
  readonly startSagaInline: boolean;
  /**
   * When sagas are not started inline: how many may be started in the background right after their order
   * commits (a bounded head start on the `order.placed` subscriber; more wait for a free slot, up to 16 per
   * slot). 0 leaves every start to the subscriber. Default 128.
   */
  readonly sagaHeadStarts: number;
  /**
   * Roles this process plays. `api` serves use cases; `worker` starts sagas from `order.placed`, runs
   * plugin subscriptions and the expiry sweep; `relay` ships the outbox. Default: all three.
   */
  readonly roles: readonly EngineRole[];
  /** How often the outbox relay polls when idle. Default 50 ms. */
  readonly relayIntervalMs: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  paymentWindowMs: 10 * 60_000,
  sweepIntervalMs: 5_000,
  relay: true,
  startSagaInline: true,
  sagaHeadStarts: 128,
  roles: ENGINE_ROLES,
  relayIntervalMs: 50,
};

const positiveInteger = (value: number, field: string): void => {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw validationError(`engine config ${field} must be a positive integer, got ${value}`, { field });
  }
};

/** Fills defaults and rejects nonsense early: a bad config fails `createEngine`, not the first order. */
export function resolveEngineConfig(partial: Partial<EngineConfig> = {}): EngineConfig {
  const config: EngineConfig = { ...DEFAULT_ENGINE_CONFIG, ...stripUndefined(partial) };
  positiveInteger(config.paymentWindowMs, 'paymentWindowMs');
  positiveInteger(config.sweepIntervalMs, 'sweepIntervalMs');
  positiveInteger(config.relayIntervalMs, 'relayIntervalMs');
  if (!Number.isSafeInteger(config.sagaHeadStarts) || config.sagaHeadStarts < 0) {
    throw validationError(`engine config sagaHeadStarts must be a non-negative integer, got ${config.sagaHeadStarts}`, {
      field: 'sagaHeadStarts',
    });
  }
  for (const role of config.roles) {
    if (!ENGINE_ROLES.includes(role)) {
      throw validationError(`engine config roles: unknown role ${String(role)}`, { field: 'roles' });
    }
  }
  return Object.freeze({ ...config, roles: Object.freeze([...new Set(config.roles)]) });
}

export const hasRole = (config: EngineConfig, role: EngineRole): boolean => config.roles.includes(role);

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
