import type { InjectionToken } from 'tsyringe';
import { TOPICS } from '../domain/events.js';
import { LimitedCartError } from '../domain/errors.js';
import { EVENT_TYPES } from '../events/builders.js';
import { oncePerEvent } from '../events/once-per-event.js';
import { createOutboxRelay } from '../events/outbox-relay.js';
import type { EventHandler } from '../ports/event-bus.js';
import type { HealthReport, Lifecycle } from '../ports/small-ports.js';
import type { CorePorts, PortName } from '../ports/core-ports.js';
import { hasRole, resolveEngineConfig } from './config.js';
import { buildContainer, PORT_ORDER, resolvePorts } from './container.js';
import { memoryDefaults } from './defaults.js';
import type { Engine, EngineHealth, EngineOptions, EngineState } from './engine.js';
import { createExtensionRegistry } from './extensions.js';
import { type HealthCheck, pluginError } from './plugin.js';
import { adapterRegistrations, collectPlugins, type PluginRecord } from './plugin-registry.js';
import { startPeriodic } from './periodic.js';
import { TeardownStack } from './teardown.js';
import { bindUseCases } from './use-cases.js';

/** Consumer group of core's own `order.placed` → saga start subscription. */
export const SAGA_STARTER_GROUP = 'limitedcart.saga-starter';

/** A health check that does not answer within this is reported unhealthy rather than hanging readiness. */
const HEALTH_TIMEOUT_MS = 5_000;

/**
 * Composes an engine. Registration order (later wins for the same token):
 * in-memory defaults for every port → each plugin's registrations, in plugin order → `options.adapters`.
 * Nothing starts here and no IO happens: ports are built (adapters connect lazily or in `start`).
 * Invalid config or a failing plugin setup throws at once.
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const config = resolveEngineConfig(options.config);
  const records = collectPlugins(options.plugins ?? [], config);
  const container = buildContainer(
    [
      ...adapterRegistrations(memoryDefaults(), 'defaults'),
      ...records.flatMap((record) => record.registrations),
      ...adapterRegistrations(options.adapters ?? {}, 'adapters'),
    ],
    config,
  );
  const ports = resolvePorts(container);
  const useCases = bindUseCases(ports, config);
  const adapters = distinctAdapters(ports);
  const teardown = new TeardownStack();
  // Pushed first so it runs last: adapters close on every stop, started or not (they may hold a pool).
  teardown.push('close adapters', () => closeAdapters(adapters, ports));

  let state: EngineState = 'created';
  let starting: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;

  const engine: Engine = {
    config,
    ports,
    useCases,
    extensions: createExtensionRegistry(records.flatMap((record) => record.extensions)),
    plugins: Object.freeze(records.map((record) => record.name)),
    get state() {
      return state;
    },
    resolve<T>(token: InjectionToken<T>): T {
      if (!container.isRegistered(token, true)) {
        throw new LimitedCartError('NOT_FOUND', `nothing is registered for ${String(token)}`);
      }
      return container.resolve(token);
    },
    start() {
      if (state === 'starting' || state === 'started') return starting!;
      if (state !== 'created') {
        return Promise.reject(new LimitedCartError('CONFLICT', `cannot start an engine that is ${state}`));
      }
      state = 'starting';
      starting = startAll(engine, records, adapters, teardown).then(
        () => {
          state = 'started';
        },
        async (error: unknown) => {
          state = 'stopping';
          const failures = await teardown.unwind();
          for (const failure of failures) {
            ports.logger.error('cleanup after a failed start failed', { step: failure.name, error: failure.error });
          }
          state = 'stopped';
          throw error;
        },
      );
      return starting;
    },
    stop() {
      stopping ??= (async () => {
        // A start in progress finishes (or fails and cleans up) first; then everything it started is undone.
        await starting?.catch(() => {});
        if (state === 'stopped') return;
        state = 'stopping';
        const failures = await teardown.unwind();
        state = 'stopped';
        if (failures.length > 0) {
          throw new LimitedCartError(
            'INTERNAL',
            `engine stop: ${failures.map((failure) => `${failure.name} (${messageOf(failure.error)})`).join('; ')}`,
            { cause: new AggregateError(failures.map((failure) => failure.error)) },
          );
        }
      })();
      return stopping;
    },
    async health(): Promise<EngineHealth> {
      const probes: Promise<HealthReport>[] = [];
      for (const [adapter, names] of adapters) {
        const probe = (adapter as Lifecycle).health;
        // An adapter names itself in its report; the port names stand in if it does not.
        if (typeof probe === 'function') probes.push(runCheck(names.join('+'), () => probe.call(adapter), true));
      }
      for (const record of records) {
        for (const { name, check } of record.healthChecks) probes.push(runCheck(name, check));
      }
      // Probed concurrently: readiness answers within one timeout however many checks there are.
      const checks = [{ name: 'engine', ok: state === 'started', detail: state }, ...(await Promise.all(probes))];
      return { ok: checks.every((check) => check.ok), checks };
    },
  };
  return engine;
}

async function startAll(
  engine: Engine,
  records: readonly PluginRecord[],
  adapters: ReadonlyMap<object, PortName[]>,
  teardown: TeardownStack,
): Promise<void> {
  const { ports, config, useCases } = engine;
  for (const [adapter, names] of adapters) {
    const start = (adapter as Lifecycle).start;
    // SagaRunner.start(input) is the port's own operation, not Lifecycle.start: never call it bare.
    if (typeof start !== 'function' || names.includes('sagaRunner')) continue;
    try {
      await start.call(adapter);
    } catch (error) {
      ports.logger.error('adapter failed to start', { ports: names, error });
      throw error;
    }
  }

  // A process-local search index starts empty while the catalogue may be persisted.
  if (hasRole(config, 'api')) await useCases.reindexSearch();

  for (const record of records) {
    // A plugin's stop hooks are armed before its start hooks run: a half-started plugin still cleans up.
    for (const hook of record.stopHooks) teardown.push(`plugin ${record.name} onStop`, () => hook(engine));
    for (const hook of record.startHooks) {
      try {
        await hook(engine);
      } catch (error) {
        throw pluginError(record.name, 'onStart', error);
      }
    }
  }

  if (hasRole(config, 'worker')) {
    // No once-per-event wrapper: the saga start is idempotent by order id on its own, and a mark left by a
    // crash between marking and starting would lose the start for good.
    const startSaga: EventHandler = async (event) => {
      if (event.type === EVENT_TYPES.orderPlaced) await useCases.startSagaForPlacedOrder(event);
    };
    await subscribe(engine, teardown, TOPICS.orders, SAGA_STARTER_GROUP, startSaga, 'core');
  }
  for (const record of records) {
    for (const { topic, group, handler } of record.subscriptions) {
      const handle = oncePerEvent(ports.processedEvents, group, (event) => handler(event, engine));
      await subscribe(engine, teardown, topic, group, handle, record.name);
    }
  }

  if (config.relay && hasRole(config, 'relay')) {
    const relay = createOutboxRelay({
      outbox: ports.outbox,
      bus: ports.eventBus,
      intervalMs: config.relayIntervalMs,
      logger: ports.logger.child({ component: 'outbox-relay' }),
    });
    relay.start();
    teardown.push('outbox relay', () => relay.stop());
  }

  if (hasRole(config, 'worker')) {
    const sweep = startPeriodic('expiry sweep', config.sweepIntervalMs, () => useCases.expireHolds(), ports.logger);
    teardown.push('expiry sweep', () => sweep.stop());
  }
}

async function subscribe(
  engine: Engine,
  teardown: TeardownStack,
  topic: string,
  group: string,
  handler: EventHandler,
  source: string,
): Promise<void> {
  const subscription = await engine.ports.eventBus.subscribe(topic, group, handler);
  teardown.push(`${source} subscription ${topic}/${group}`, () => subscription.unsubscribe());
}

/**
 * Port instances in start order, each once: one object may serve several ports (a store set sharing a
 * pool, say), and it must start and close once.
 */
function distinctAdapters(ports: CorePorts): Map<object, PortName[]> {
  const adapters = new Map<object, PortName[]>();
  for (const name of PORT_ORDER) {
    const adapter: unknown = ports[name];
    if (typeof adapter !== 'object' || adapter === null) continue;
    const names = adapters.get(adapter);
    if (names) names.push(name);
    else adapters.set(adapter, [name]);
  }
  return adapters;
}

/** Closes adapters newest-started first; every close runs, failures are raised together. */
async function closeAdapters(adapters: ReadonlyMap<object, PortName[]>, ports: CorePorts): Promise<void> {
  const failures: unknown[] = [];
  for (const [adapter, names] of [...adapters].reverse()) {
    const close = (adapter as Lifecycle).close;
    if (typeof close !== 'function') continue;
    try {
      await close.call(adapter);
    } catch (error) {
      ports.logger.error('adapter failed to close', { ports: names, error });
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} adapter(s) failed to close`);
}

async function runCheck(
  name: string,
  check: HealthCheck | (() => Promise<HealthReport>),
  selfNamed = false,
): Promise<HealthReport> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
  });
  try {
    const status = await Promise.race([Promise.resolve().then(check), timeout]);
    const reported = selfNamed && 'name' in status && typeof status.name === 'string' ? status.name : name;
    const report: HealthReport = { name: reported, ok: status.ok === true };
    return status.detail === undefined ? report : { ...report, detail: status.detail };
  } catch (error) {
    return { name, ok: false, detail: messageOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
