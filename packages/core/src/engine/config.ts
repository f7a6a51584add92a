import { validationError } from '../domain/errors.js';

/** What a process does. One image runs as any mix of roles; the default runs all of them. */
export const ENGINE_ROLES = ['api', 'worker', 'relay'] as const;
export type EngineRole = (typeof ENGINE_ROLES)[number];

/** Per-minute caps on order attempts; 0 turns one off. */
export interface OrderRateLimits {
  /** Attempts one customer may make per minute. Default 60. */
  readonly perCustomerPerMinute: number;
  /** Attempts from one client address per minute (when the caller passes one). Default 600. */
  readonly perAddressPerMinute: number;
}

export interface EngineConfig {
  /** How long a placed order holds its stock waiting for payment. Default 10 minutes. */
  readonly paymentWindowMs: number;
  /**
   * The grace a payment gets when it starts (or is retried) near the end of its order's hold: the hold is extended
   * once, to at most this long after the payment started, so a shopper paying at the last second is not charged and
   * then refunded. 0 turns it off. Default 2 minutes.
   */
  readonly paymentGraceMs: number;
  /** Period of the expiry sweep (`expireHolds`) on worker processes. Default 5 seconds. */
  readonly sweepIntervalMs: number;
  /**
   * How many accepted orders may have their saga started in the background of the process that accepted them, ahead
   * of the `order.placed` subscriber that guarantees every start (more wait for a free slot, up to 16 per slot).
   * The request never waits for it. 0 leaves every start to the subscriber. Default 128.
   */
  readonly sagaHeadStarts: number;
  /**
   * How long a SOLD_OUT answer of the stock gate is repeated from memory (`withSoldOutCache`, applied by the engine
   * around whatever gate is registered): the reject path of a drop then asks nobody. Stock freed by another process
   * becomes sellable here at most this much later. 0 turns it off. Default 250 ms.
   */
  readonly soldOutCacheMs: number;
  /**
   * How long a drop's queue status and policy, as shown on shoppers' tickets, are shared from one read
   * (`createSharedReads`): joins and polls of a waiting room then do not each count the whole line. A queue configured
   * on another process is seen here at most this much later. 0 reads them for every ticket. Default 500 ms.
   */
  readonly queueViewCacheMs: number;
  /** Caps on order attempts, counted by the `rateLimiter` port. */
  readonly orderRateLimits: OrderRateLimits;
  /**
   * How old an Idempotency-Key's in-flight claim must be before a retry takes it over: the request that claimed it
   * died (a killed process, an answer lost to a database restart). Longer than any request takes. Default 30 s.
   */
  readonly staleClaimMs: number;
  /**
   * Roles this process plays. `api` serves use cases; `worker` starts sagas from `order.placed`, runs
   * plugin subscriptions and the expiry sweep; `relay` ships the outbox. Default: all three.
   */
  readonly roles: readonly EngineRole[];
  /** How often the outbox relay polls when idle. Default 50 ms. */
  readonly relayIntervalMs: number;
  /**
   * The per-customer limit (`maxQuantityPerCustomer`) of a product created without one. An explicit 0 still means no
   * per-product limit. Default 2: a new drop is limited unless an administrator says otherwise.
   */
  readonly defaultLimitPerCustomer: number;
  /**
   * Units one customer may hold and buy of one SKU whatever the product's own limit (0, no limit, included): the
   * stricter of the two is what the stock gate counts, in the same atomic step as the hold. Bounds how much of a drop
   * one account can tie up for a payment window. 0 turns the cap off. Default 10.
   */
  readonly unitCapPerCustomer: number;
  /**
   * HS256 key (at least 32 bytes) of the admission tokens of queued drops, the same on every replica. null: a random
   * key of this engine, for a deployment of one process.
   */
  readonly admissionTokenKey: string | null;
  /** Order attempts one admission allows. Default 3. */
  readonly admissionAttempts: number;
  /** Period of the queue admitter on worker processes: one round per open queued drop. Default 1 second. */
  readonly queueAdmitIntervalMs: number;
}

/** What `createEngine({ config })` takes: any field left out gets its default. */
export type EngineConfigInput = Partial<Omit<EngineConfig, 'orderRateLimits'>> & {
  readonly orderRateLimits?: Partial<OrderRateLimits>;
};

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  paymentWindowMs: 10 * 60_000,
  paymentGraceMs: 2 * 60_000,
  sweepIntervalMs: 5_000,
  sagaHeadStarts: 128,
  soldOutCacheMs: 250,
  queueViewCacheMs: 500,
  orderRateLimits: { perCustomerPerMinute: 60, perAddressPerMinute: 600 },
  staleClaimMs: 30_000,
  roles: ENGINE_ROLES,
  relayIntervalMs: 50,
  defaultLimitPerCustomer: 2,
  unitCapPerCustomer: 10,
  admissionTokenKey: null,
  admissionAttempts: 3,
  queueAdmitIntervalMs: 1_000,
};

const integer = (value: number, field: string, min: number): void => {
  if (!Number.isSafeInteger(value) || value < min) {
    const what = min > 0 ? 'a positive integer' : 'a non-negative integer';
    throw validationError(`engine config ${field} must be ${what}, got ${value}`, { field });
  }
};

/** Fills defaults and rejects nonsense early: a bad config fails `createEngine`, not the first order. */
export function resolveEngineConfig(partial: EngineConfigInput = {}): EngineConfig {
  const given = stripUndefined(partial);
  const config: EngineConfig = {
    ...DEFAULT_ENGINE_CONFIG,
    ...given,
    orderRateLimits: { ...DEFAULT_ENGINE_CONFIG.orderRateLimits, ...stripUndefined(given.orderRateLimits ?? {}) },
  };
  integer(config.paymentWindowMs, 'paymentWindowMs', 1);
  integer(config.paymentGraceMs, 'paymentGraceMs', 0);
  integer(config.sweepIntervalMs, 'sweepIntervalMs', 1);
  integer(config.relayIntervalMs, 'relayIntervalMs', 1);
  integer(config.sagaHeadStarts, 'sagaHeadStarts', 0);
  integer(config.soldOutCacheMs, 'soldOutCacheMs', 0);
  integer(config.queueViewCacheMs, 'queueViewCacheMs', 0);
  integer(config.staleClaimMs, 'staleClaimMs', 1);
  integer(config.defaultLimitPerCustomer, 'defaultLimitPerCustomer', 0);
  integer(config.unitCapPerCustomer, 'unitCapPerCustomer', 0);
  integer(config.admissionAttempts, 'admissionAttempts', 1);
  integer(config.queueAdmitIntervalMs, 'queueAdmitIntervalMs', 1);
  if (config.admissionTokenKey !== null && (typeof config.admissionTokenKey !== 'string' || Buffer.byteLength(config.admissionTokenKey) < 32)) {
    throw validationError('engine config admissionTokenKey must be at least 32 bytes', { field: 'admissionTokenKey' });
  }
  integer(config.orderRateLimits.perCustomerPerMinute, 'orderRateLimits.perCustomerPerMinute', 0);
  integer(config.orderRateLimits.perAddressPerMinute, 'orderRateLimits.perAddressPerMinute', 0);
  for (const role of config.roles) {
    if (!ENGINE_ROLES.includes(role)) {
      throw validationError(`engine config roles: unknown role ${String(role)}`, { field: 'roles' });
    }
  }
  return Object.freeze({
    ...config,
    orderRateLimits: Object.freeze(config.orderRateLimits),
    roles: Object.freeze([...new Set(config.roles)]),
  });
}

export const hasRole = (config: EngineConfig, role: EngineRole): boolean => config.roles.includes(role);

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
