import type { InjectionToken } from 'tsyringe';
import type { HealthReport } from '../ports/small-ports.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { EngineConfig } from './config.js';
import type { ExtensionRegistry } from './extensions.js';
import type { EngineAdapters, Plugin } from './plugin.js';
import type { EngineUseCases } from './use-cases.js';

export interface EngineOptions {
  /**
   * Port implementations by name: a ready value or `{ useFactory: ({ ports, config, resolve }) => value }`.
   * They win over plugins and defaults. Any port left out is the in-memory implementation.
   */
  readonly adapters?: Partial<EngineAdapters>;
  /** Applied in order; for the same token, a later plugin's registration wins over an earlier one's. */
  readonly plugins?: readonly Plugin[];
  readonly config?: Partial<EngineConfig>;
}

export type EngineState = 'created' | 'starting' | 'started' | 'stopping' | 'stopped';

export interface EngineHealth {
  /** true when the engine is started and every check passed. */
  readonly ok: boolean;
  /** One report per adapter exposing `health()`, per plugin check, and the engine's own state. */
  readonly checks: readonly HealthReport[];
}

/**
 * A composed LimitedCart engine. Build with `createEngine`, then `start()`; `stop()` on shutdown.
 *
 * ```ts
 * const engine = createEngine({ plugins: [paymentMockPlugin()], config: { paymentWindowMs: 5 * 60_000 } });
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
  /** What plugins contributed through `ctx.extend`, e.g. HTTP routes for the host to mount. */
  readonly extensions: ExtensionRegistry;
  /** Names of the applied plugins, in order. */
  readonly plugins: readonly string[];
  readonly state: EngineState;
  /** Resolves any registered token, including a plugin's own; throws NOT_FOUND for an unregistered one. */
  resolve<T>(token: InjectionToken<T>): T;
  /**
   * Starts adapters (those exposing `Lifecycle.start`, in dependency order; not the saga runner, whose
   * `start(input)` is its port operation: a runner with a worker to launch does it in a plugin `onStart`
   * hook or lazily), plugin `onStart` hooks, event
   * subscriptions, the outbox relay and the expiry sweep, as `config.relay` and `config.roles` say.
   * Any failure undoes what already started and rejects with the original error. Concurrent calls share
   * one start; starting a stopped engine is an error (build a new one).
   */
  start(): Promise<void>;
  /**
   * Stops everything in reverse order and closes every adapter exposing `close` (also when the engine was
   * never started). Idempotent. Every step runs even if one fails; failures are reported together.
   */
  stop(): Promise<void>;
  /** Aggregated readiness: adapter `health()`, plugin checks and the engine state. Never throws. */
  health(): Promise<EngineHealth>;
}
