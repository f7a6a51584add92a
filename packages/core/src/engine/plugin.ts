import type { InjectionToken } from 'tsyringe';
import { LimitedCartError, validationError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { CorePorts, PortName } from '../ports/core-ports.js';
import type { HealthStatus } from '../ports/lifecycle.js';
import type { EngineConfig } from './config.js';
import type { Engine } from './engine.js';

/** A DI token whose resolution is typed `T`. */
export type Token<T> = InjectionToken<T> & symbol;

/**
 * A typed token for a plugin's own service (`ctx.register(POOL, ...)`, `engine.resolve(POOL)`). A global symbol
 * (`Symbol.for`), so two copies of one package agree on it; namespace the name (`'my-plugin.client'`).
 */
export const defineToken = <T>(name: string): Token<T> => Symbol.for(name) as Token<T>;

/** What a factory registration receives. Factories run when the engine is created, after every plugin's setup. */
export interface FactoryDeps {
  /** Every port of the engine; each property resolves on first access, so later registrations are seen. */
  readonly ports: CorePorts;
  readonly config: EngineConfig;
  /** Resolves any token registered in the engine's container (ports or a plugin's own tokens). */
  resolve<T>(token: InjectionToken<T>): T;
}

/** Builds a value once per engine; no IO here (that belongs in the object's `open`). */
export interface FactoryProvider<T> {
  readonly useFactory: (deps: FactoryDeps) => T;
}

/** A ready value, or a factory that builds it from the other ports. */
export type Registration<T> = T | FactoryProvider<T>;

/** Wraps whatever was registered before it for a token; use `forwardLifecycle` so the inner object's lifecycle stays. */
export type Decorator<T> = (inner: T, deps: FactoryDeps) => T;

/** Port registrations by port name, as `createEngine({ adapters })` and `ctx.provide` take them. */
export type EngineAdapters = { readonly [K in PortName]: Registration<CorePorts[K]> };

/** An event handler contributed by a plugin. It also receives the engine, to reach ports and use cases. */
export type PluginEventHandler = (event: DomainEvent, engine: Engine) => Promise<void>;

export interface PluginSubscribeOptions {
  /**
   * `cluster` (default): one consumer group shared by every process, each event handled once per group (marked in
   * the ProcessedEventStore), run in the `worker` role. `process`: this process alone sees every event from now on,
   * unmarked: a group of its own, starting at the newest event, for per-process state (a local cache, the SSE
   * clients connected here); run in the `api` role.
   */
  readonly scope?: 'cluster' | 'process';
}

export type LifecycleHook = (engine: Engine) => Promise<void> | void;

/** A readiness probe. Throwing counts as unhealthy, with the error message as detail. */
export type HealthCheck = () => Promise<HealthStatus> | HealthStatus;

/**
 * What `setup` may do. Everything is declarative: registrations take effect when the engine is built,
 * subscriptions and hooks when it starts. Setup is synchronous; do IO in `onStart`.
 */
export interface PluginContext {
  /** The name of the plugin being set up. */
  readonly plugin: string;
  readonly config: EngineConfig;
  /**
   * Registers a value or factory under a token in the engine's container. For a port token (`TOKENS.*`),
   * this replaces the port: the latest registration wins (defaults < plugins in order < `createEngine` adapters).
   * An object registered here that has a lifecycle (`open`, `close`, `health`) is opened, closed and probed by the
   * engine.
   */
  register<T>(token: InjectionToken<T>, registration: Registration<T>): void;
  /** `register` for ports by name: `ctx.provide({ stockGate, sagaRunner: { useFactory: ({ ports }) => ... } })`. */
  provide(adapters: Partial<EngineAdapters>): void;
  /**
   * Wraps the port registered before this call (by an earlier plugin or the defaults): a cache, tracing, a tier in
   * front of a ledger. The decorator receives the inner object; give the wrapper its lifecycle with
   * `forwardLifecycle(wrapper, inner)`.
   */
  decorate<K extends PortName>(port: K, decorator: Decorator<CorePorts[K]>): void;
  /**
   * Subscribes to a topic once the engine starts. Delivery is at-least-once. By default (`scope: 'cluster'`) the
   * engine wraps the handler so it runs once per event id per group (`oncePerEvent` over the ProcessedEventStore)
   * and subscribes in the `worker` role; `scope: 'process'` is for per-process state (see PluginSubscribeOptions).
   */
  subscribe(topic: string, group: string, handler: PluginEventHandler, options?: PluginSubscribeOptions): void;
  /** Runs at `engine.start()`, after the engine's objects opened, in plugin order. A throw fails the start. */
  onStart(hook: LifecycleHook): void;
  /** Runs at `engine.stop()`, in reverse plugin order, before the engine's objects close. */
  onStop(hook: LifecycleHook): void;
  /** Adds a check to `engine.health()`. */
  health(name: string, check: HealthCheck): void;
}

/** A plugin: a name and a synchronous setup that declares what it adds. Build one with `definePlugin`. */
export interface Plugin {
  readonly name: string;
  setup(ctx: PluginContext): void;
}

/**
 * Declares a plugin. Checks its shape early so a mistake fails at import, not at engine start.
 *
 * ```ts
 * export const auditPlugin = definePlugin({
 *   name: 'audit',
 *   setup(ctx) {
 *     ctx.subscribe('orders', 'audit', async (event, engine) => engine.ports.logger.info('order event', { event }));
 *   },
 * });
 * ```
 */
export function definePlugin(plugin: Plugin): Plugin {
  if (typeof plugin !== 'object' || plugin === null) throw validationError('a plugin must be an object');
  if (typeof plugin.name !== 'string' || plugin.name.trim() === '') {
    throw validationError('a plugin needs a non-empty name');
  }
  if (typeof plugin.setup !== 'function') {
    throw validationError(`plugin ${plugin.name}: setup must be a function`);
  }
  return Object.freeze({ name: plugin.name, setup: plugin.setup.bind(plugin) });
}

export const isFactoryProvider = <T>(registration: Registration<T>): registration is FactoryProvider<T> =>
  typeof registration === 'object' &&
  registration !== null &&
  'useFactory' in registration &&
  typeof (registration as { useFactory: unknown }).useFactory === 'function';

/** Errors from a plugin's code keep their code but say which plugin raised them. */
export const pluginError = (plugin: string, phase: string, error: unknown): LimitedCartError =>
  new LimitedCartError(
    error instanceof LimitedCartError ? error.code : 'INTERNAL',
    `plugin ${plugin} failed in ${phase}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error, details: { plugin, phase } },
  );
