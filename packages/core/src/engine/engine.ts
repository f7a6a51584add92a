import type { InjectionToken } from 'tsyringe';
import type { CorePorts } from '../ports/core-ports.js';
import type { HealthReport } from '../ports/lifecycle.js';
import type { EngineConfig, EngineConfigInput } from './config.js';
import type { EngineAdapters, Plugin } from './plugin.js';
import type { EngineUseCases } from './use-cases.js';

export interface EngineOptions {
  /**
   * Applied in order: each provides ports, registers its own services, decorates what an earlier one provided,
   * subscribes to events. For the same token a later plugin's registration wins over an earlier one's.
   */
  readonly plugins?: readonly Plugin[];
  /**
   * Port implementations by name: a ready value or `{ useFactory: ({ ports, config, resolve }) => value }`. They
   * win over plugins and defaults. Any port nobody provides is core's in-memory implementation.
   */
  readonly adapters?: Partial<EngineAdapters>;
  readonly config?: EngineConfigInput;
  /**
   * Hears every event a subscription of this process handled (or failed to): where a host measures how late the
   * bus delivers and how long handlers take, e.g. as Prometheus histograms. Called synchronously; keep it cheap.
   */
  readonly onEventHandled?: (report: EventHandledReport) => void;
}

/** One event handled by one subscription of this process. */
export interface EventHandledReport {
  readonly topic: string;
  /** The subscription's group as declared (a per-process group without the suffix that makes it the process's own). */
  readonly group: string;
  readonly type: string;
  /**
   * From the event's `occurredAt` to the handler's start: how late the bus delivered it (outbox, relay, broker and
   * the consumer's own queue). Across processes it includes their clocks' skew.
   */
  readonly delayMs: number;
  readonly durationMs: number;
  /** false when the handler threw (the bus retries it). */
  readonly ok: boolean;
}

export type EngineState = 'created' | 'starting' | 'started' | 'stopping' | 'stopped';

export interface EngineHealth {
  /** true when the engine is started and every check passed, those marked `optional` aside. */
  readonly ok: boolean;
  /** One report per object with a `health()`, per plugin check, and the engine's own state. */
  readonly checks: readonly HealthReport[];
}

/**
 * A composed LimitedCart engine. Build with `createEngine`, then `start()`; `stop()` on shutdown.
 *
 * ```ts
 * const engine = createEngine({ plugins: [postgres({ connectionString }), pgBoss()], config: { paymentWindowMs: 300_000 } });
 * await engine.start();
 * const result = await engine.useCases.placeOrder({ customerId, productId, quantity: 1 });
 * ```
 */
export interface Engine {
  readonly config: EngineConfig;
  /** Every port, resolved (registrations applied: defaults < plugins in order < `adapters`). */
  readonly ports: CorePorts;
  /** Every use case, bound to `ports` and `config`. */
  readonly useCases: EngineUseCases;
  /** Names of the applied plugins, in order. */
  readonly plugins: readonly string[];
  readonly state: EngineState;
  /** Resolves any registered token, e.g. a plugin's own service; throws NOT_FOUND for an unregistered one. */
  resolve<T>(token: InjectionToken<T>): T;
  /**
   * Opens every object the engine holds that declares `open` (ports and plugins' services, dependencies first),
   * then runs plugin `onStart` hooks, event subscriptions, the outbox relay and the expiry sweep, as the roles say.
   * Any failure undoes what already started and rejects with the original error. Concurrent calls share one start;
   * starting a stopped engine is an error (build a new one).
   */
  start(): Promise<void>;
  /**
   * Undoes the start in reverse: sweep, relay, subscriptions, plugin `onStop` hooks, saga head starts in flight,
   * then closes every object declaring `close` (also when the engine never started). Idempotent. Every step runs
   * even if one fails; failures are reported together.
   */
  stop(): Promise<void>;
  /** Aggregated readiness: every object's `health()`, plugin checks and the engine state. Never throws. */
  health(): Promise<EngineHealth>;
}
