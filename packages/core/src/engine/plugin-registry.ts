import type { InjectionToken } from 'tsyringe';
import { validationError } from '../domain/errors.js';
import type { PortName } from '../ports/core-ports.js';
import { TOKENS } from '../ports/tokens.js';
import type { EngineConfig } from './config.js';
import type { ContainerDeclaration } from './container.js';
import {
  type Decorator,
  type EngineAdapters,
  type HealthCheck,
  type LifecycleHook,
  type Plugin,
  type PluginContext,
  type PluginEventHandler,
  type PluginSubscribeOptions,
  pluginError,
  type Registration,
} from './plugin.js';

export interface SubscriptionSpec {
  readonly topic: string;
  readonly group: string;
  readonly handler: PluginEventHandler;
  readonly scope: NonNullable<PluginSubscribeOptions['scope']>;
}

/** Everything one plugin declared in its setup. */
export interface PluginRecord {
  readonly name: string;
  readonly declarations: ContainerDeclaration[];
  readonly subscriptions: SubscriptionSpec[];
  readonly startHooks: LifecycleHook[];
  readonly stopHooks: LifecycleHook[];
  readonly healthChecks: { readonly name: string; readonly check: HealthCheck }[];
}

const portToken = (name: string, source: string): InjectionToken<unknown> => {
  if (!(name in TOKENS)) throw validationError(`${source}: ${name} is not a port`, { port: name });
  return TOKENS[name as PortName] as InjectionToken<unknown>;
};

/** Port registrations by name as container declarations. */
export function adapterDeclarations(adapters: Partial<EngineAdapters>, source: string): ContainerDeclaration[] {
  return Object.entries(adapters)
    .filter(([, registration]) => registration !== undefined)
    .map(([name, registration]) => ({
      kind: 'register' as const,
      token: portToken(name, source),
      registration: registration as Registration<unknown>,
      source,
    }));
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
      declarations: [],
      subscriptions: [],
      startHooks: [],
      stopHooks: [],
      healthChecks: [],
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
        record.declarations.push({ kind: 'register', token, registration: registration as Registration<unknown>, source: plugin.name });
      },
      provide(adapters) {
        open();
        record.declarations.push(...adapterDeclarations(adapters, plugin.name));
      },
      decorate(port, decorator) {
        open();
        requireFunction(decorator, `${where}: decorate ${String(port)}`);
        record.declarations.push({
          kind: 'decorate',
          token: portToken(port, where),
          decorator: decorator as Decorator<unknown>,
          source: plugin.name,
        });
      },
      subscribe(topic, group, handler, options = {}) {
        open();
        requireFunction(handler, `${where}: subscribe handler`);
        const scope = options.scope ?? 'cluster';
        if (scope !== 'cluster' && scope !== 'process') throw validationError(`${where}: subscribe scope must be cluster or process`);
        record.subscriptions.push({
          topic: requireText(topic, `${where}: topic`),
          group: requireText(group, `${where}: group`),
          handler,
          scope,
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
