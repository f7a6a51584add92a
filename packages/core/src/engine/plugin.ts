import type { InjectionToken } from 'tsyringe';
import type { DomainEvent } from '../domain/events.js';
import { LimitedCartError, validationError } from '../domain/errors.js';
import type { CorePorts, PortName } from '../ports/core-ports.js';
import type { EngineConfig } from './config.js';
import type { Engine } from './engine.js';
import type { ExtensionKey, ExtensionValue } from './extensions.js';

/** What a factory registration receives. Factories run lazily, after every plugin has registered. */
export interface FactoryDeps {
  /** Every port of the engine; each property resolves on first access, so later registrations are seen. */
  readonly ports: CorePorts;
  readonly config: EngineConfig;
  /** Resolves any token registered in the engine's container (ports or a plugin's own tokens). */
  resolve<T>(token: InjectionToken<T>): T;
}

/** Builds a value on first resolution; the result is cached (one instance per engine). */
export interface FactoryProvider<T> {
  readonly useFactory: (deps: FactoryDeps) => T;
}

/** A ready value, or a factory that builds it from the other ports. */
export type Registration<T> = T | FactoryProvider<T>;

/** Port registrations by port name, as `createEngine({ adapters })` and `ctx.provide` take them. */
export type EngineAdapters = { readonly [K in PortName]: Registration<CorePorts[K]> };

/** An event handler contributed by a plugin. It also receives the engine, to reach ports and use cases. */
export type PluginEventHandler = (event: DomainEvent, engine: Engine) => Promise<void>;

export type LifecycleHook = (engine: Engine) => Promise<void> | void;

export interface HealthStatus {
  readonly ok: boolean;
  readonly detail?: string;
}

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
   */
  register<T>(token: InjectionToken<T>, registration: Registration<T>): void;
  /** `register` for ports by name: `ctx.provide({ stockGate, sagaRunner: { useFactory: ({ ports }) => ... } })`. */
  provide(adapters: Partial<EngineAdapters>): void;
  /**
   * Subscribes to a topic once the engine starts. Delivery is at-least-once; the engine wraps the handler
   * so it runs once per event id per group (`oncePerEvent` over the ProcessedEventStore). Subscriptions run
   * in every role: check `ctx.config.roles` to limit one to workers.
   */
  subscribe(topic: string, group: string, handler: PluginEventHandler): void;
  /** Runs at `engine.start()`, after the adapters started, in plugin order. A throw fails the start. */
  onStart(hook: LifecycleHook): void;
  /** Runs at `engine.stop()`, in reverse plugin order, before the adapters close. */
  onStop(hook: LifecycleHook): void;
  /** Adds a check to `engine.health()`. */
  health(name: string, check: HealthCheck): void;
  /** Contributes a value to the extension bag the host reads (e.g. HTTP routes); see `EngineExtensions`. */
  extend<K extends ExtensionKey>(key: K, value: ExtensionValue<K>): void;
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
