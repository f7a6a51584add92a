import type { InjectionToken } from 'tsyringe';
import { validationError } from '../domain/errors.js';
import type { PortName } from '../ports/core-ports.js';
import type { EngineConfig } from './config.js';
import { type ContainerRegistration, PORT_TOKENS } from './container.js';
import type { ExtensionEntry } from './extensions.js';
import {
  type EngineAdapters,
  type HealthCheck,
  type LifecycleHook,
  type Plugin,
  type PluginContext,
  type PluginEventHandler,
  pluginError,
  type Registration,
} from './plugin.js';

export interface SubscriptionSpec {
  readonly topic: string;
  readonly group: string;
  readonly handler: PluginEventHandler;
}

/** Everything one plugin declared in its setup. */
export interface PluginRecord {
  readonly name: string;
  readonly registrations: ContainerRegistration[];
  readonly subscriptions: SubscriptionSpec[];
  readonly startHooks: LifecycleHook[];
  readonly stopHooks: LifecycleHook[];
  readonly healthChecks: { readonly name: string; readonly check: HealthCheck }[];
  readonly extensions: ExtensionEntry[];
}

/** Port registrations by name as container registrations. */
export function adapterRegistrations(adapters: Partial<EngineAdapters>, source: string): ContainerRegistration[] {
  const registrations: ContainerRegistration[] = [];
  for (const [name, registration] of Object.entries(adapters)) {
    if (registration === undefined) continue;
    if (!(name in PORT_TOKENS)) throw validationError(`${source}: ${name} is not a port`, { port: name });
    registrations.push({
      token: PORT_TOKENS[name as PortName] as InjectionToken<unknown>,
      registration: registration as Registration<unknown>,
      source,
    });
  }
  return registrations;
}

const requireText = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || value === '') throw validationError(`${what} must be a non-empty string`);
  return value;
};

const requireFunction = (value: unknown, what: string): void => {
  if (typeof value !== 'function') throw validationError(`${what} must be a function`);
};

/** Runs each plugin's setup against a recording context, in order. Setup errors name their plugin. */
export function collectPlugins(plugins: readonly Plugin[], config: EngineConfig): PluginRecord[] {
  const records: PluginRecord[] = [];
  const names = new Set<string>();
  for (const plugin of plugins) {
    if (names.has(plugin.name)) throw validationError(`plugin ${plugin.name} is applied twice`, { plugin: plugin.name });
    names.add(plugin.name);
    const record: PluginRecord = {
      name: plugin.name,
      registrations: [],
      subscriptions: [],
      startHooks: [],
      stopHooks: [],
      healthChecks: [],
      extensions: [],
    };
    const where = `plugin ${plugin.name}`;
    let sealed = false;
    // Declarations after setup returned would be silently missed by an engine already built.
    const open = (): void => {
      if (sealed) throw validationError(`${where}: the plugin context is only usable during setup`);
    };
    const ctx: PluginContext = {
      plugin: plugin.name,
      config,
      register(token, registration) {
        open();
        if (token === undefined || token === null) throw validationError(`${where}: register needs a token`);
        record.registrations.push({ token, registration: registration as Registration<unknown>, source: plugin.name });
      },
      provide(adapters) {
        open();
        record.registrations.push(...adapterRegistrations(adapters, where));
      },
      subscribe(topic, group, handler) {
        open();
        requireFunction(handler, `${where}: subscribe handler`);
        record.subscriptions.push({
          topic: requireText(topic, `${where}: topic`),
          group: requireText(group, `${where}: group`),
          handler,
        });
      },
      onStart(hook) {
        open();
        requireFunction(hook, `${where}: onStart hook`);
        record.startHooks.push(hook);
      },
      onStop(hook) {
        open();
        requireFunction(hook, `${where}: onStop hook`);
        record.stopHooks.push(hook);
      },
      health(name, check) {
        open();
        requireFunction(check, `${where}: health check`);
        record.healthChecks.push({ name: requireText(name, `${where}: health check name`), check });
      },
      extend(key, value) {
        open();
        record.extensions.push({ key: requireText(key, `${where}: extension key`), value, plugin: plugin.name });
      },
    };
    try {
      const returned: unknown = plugin.setup(ctx);
      if (returned instanceof Promise) {
        // Declarations made after an await would be lost; refuse instead of half-applying the plugin.
        returned.catch(() => {});
        throw validationError(`${where}: setup must be synchronous; do async work in ctx.onStart`);
      }
    } catch (error) {
      throw pluginError(plugin.name, 'setup', error);
    } finally {
      sealed = true;
    }
    records.push(record);
  }
  return records;
}
