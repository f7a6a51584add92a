import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LimitedCartError } from '../domain/errors.js';
import { type DomainEvent, TOPICS } from '../domain/events.js';
import { EVENT_TYPES } from '../events/builders.js';
import { oncePerEvent } from '../events/once-per-event.js';
import { createOutboxRelay } from '../events/outbox-relay.js';
import type { EventHandler } from '../ports/event-bus.js';
import { type HealthReport, type HealthStatus, hasLifecycle, type Lifecycle } from '../ports/lifecycle.js';
import type { StockGate } from '../ports/stock-gate.js';
import { TOKENS } from '../ports/tokens.js';
import { withSoldOutCache } from '../stock/sold-out-cache.js';
import { type EngineConfig, type EngineRole, hasRole, resolveEngineConfig } from './config.js';
import { type BuiltObject, buildContainer, type ContainerDeclaration, resolvePorts, tokenName } from './container.js';
import { memoryDefaults } from './defaults.js';
import type { Engine, EngineHealth, EngineOptions, EngineState } from './engine.js';
import { startPeriodic } from './periodic.js';
import { type Decorator, type HealthCheck, pluginError } from './plugin.js';
import { adapterDeclarations, collectPlugins, type PluginRecord, type SubscriptionSpec } from './plugin-registry.js';
import { TeardownStack } from './teardown.js';
import { bindUseCases } from './use-cases.js';

/** Consumer group of core's own `order.placed` → saga start subscription. */
export const SAGA_STARTER_GROUP = 'limitedcart.saga-starter';

/**
 * A health check that does not answer within this is reported unhealthy rather than hanging readiness. Below a
 * readiness probe's own timeout (3 s in deploy/k8s), so a service that stopped answering turns the probe into a
 * definite 503 and an optional check that hangs (the bus on an api) cannot time the whole probe out.
 */
const HEALTH_TIMEOUT_MS = 2_000;

/** An object the engine opens, closes and probes, named by what it was registered as. */
interface ManagedObject {
  readonly object: Lifecycle;
  readonly name: string;
  /** What it was registered as: port names, or a plugin token's name. */
  readonly serves: readonly string[];
}

/**
 * Ports whose health decides readiness only in some roles: an api keeps taking orders while the event bus is down
 * (events wait in the outbox) or the saga engine is (the `order.placed` subscriber starts the sagas once it is
 * back), so there they are reported but do not make the process unready. Everything else counts in every role.
 */
const NEEDED_BY: Partial<Record<string, readonly EngineRole[]>> = {
  eventBus: ['worker', 'relay'],
  sagaRunner: ['worker'],
};

/**
 * Composes an engine. Declarations apply in order (later wins for the same token; a decoration wraps what came
 * before): core's in-memory implementation of every port → each plugin's, in plugin order → `options.adapters` →
 * the engine's own sold-out cache around the stock gate. Every registration is then built (no IO happens: objects
 * connect in `open` or on first use). Invalid config or a failing plugin setup throws at once.
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const config = resolveEngineConfig(options.config);
  const records = collectPlugins(options.plugins ?? [], config);
  const container = buildContainer(
    [
      ...adapterDeclarations(memoryDefaults(), 'defaults'),
      ...records.flatMap((record) => record.declarations),
      ...adapterDeclarations(options.adapters ?? {}, 'adapters'),
      ...engineDecorations(config),
    ],
    config,
  );
  container.buildAll();
  const ports = resolvePorts(container);
  const managed = managedObjects(container.built);
  const { useCases, drainHeadStarts } = bindUseCases(ports, config);
  const teardown = new TeardownStack();
  // Pushed first so it runs last: objects close on every stop, opened or not (a factory may have made a pool).
  teardown.push('close objects', () => closeAll(managed, ports.logger));

  let state: EngineState = 'created';
  let starting: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;

  const engine: Engine = {
    config,
    ports,
    useCases,
    plugins: Object.freeze(records.map((record) => record.name)),
    get state() {
      return state;
    },
    resolve: (token) => container.resolve(token),
    start() {
      if (state === 'starting' || state === 'started') return starting!;
      if (state !== 'created') {
        return Promise.reject(new LimitedCartError('CONFLICT', `cannot start an engine that is ${state}`));
      }
      state = 'starting';
      starting = startAll(engine, records, managed, teardown, drainHeadStarts, options.onEventHandled).then(
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
      for (const { object, name, serves } of managed) {
        const probe = object.health;
        if (typeof probe !== 'function') continue;
        const needed = serves.some((port) => NEEDED_BY[port]?.some((role) => hasRole(config, role)) ?? true);
        probes.push(runCheck(name, () => probe.call(object)).then((report) => (needed ? report : { ...report, optional: true })));
      }
      for (const record of records) {
        for (const { name, check } of record.healthChecks) probes.push(runCheck(name, check));
      }
      // Probed concurrently: readiness answers within one timeout however many checks there are.
      const checks = [{ name: 'engine', ok: state === 'started', detail: state }, ...(await Promise.all(probes))];
      return { ok: checks.every((check) => check.ok || check.optional === true), checks };
    },
  };
  return engine;
}

/** What the engine itself wraps around the registered ports. */
function engineDecorations(config: EngineConfig): ContainerDeclaration[] {
  if (config.soldOutCacheMs === 0) return [];
  const soldOutCache: Decorator<StockGate> = (gate) => withSoldOutCache(gate, { ttlMs: config.soldOutCacheMs });
  return [{ kind: 'decorate', token: TOKENS.stockGate, decorator: soldOutCache as Decorator<unknown>, source: 'engine' }];
}

/**
 * The built objects that declare a lifecycle, each once (one object may serve several ports, a store set sharing a
 * pool say), in build order, named by the ports they serve or the token they were registered under.
 */
function managedObjects(built: readonly BuiltObject[]): ManagedObject[] {
  const names = new Map<Lifecycle, string[]>();
  for (const { instance, token } of built) {
    if (!hasLifecycle(instance)) continue;
    const existing = names.get(instance);
    if (existing) existing.push(tokenName(token));
    else names.set(instance, [tokenName(token)]);
  }
  return [...names].map(([object, served]) => ({ object, name: served.join('+'), serves: served }));
}

async function startAll(
  engine: Engine,
  records: readonly PluginRecord[],
  managed: readonly ManagedObject[],
  teardown: TeardownStack,
  drainHeadStarts: () => Promise<void>,
  onEventHandled: EngineOptions['onEventHandled'],
): Promise<void> {
  const { ports, config, useCases } = engine;
  const subscribe = (spec: Pick<SubscriptionSpec, 'topic' | 'group' | 'scope'>, handler: EventHandler, source: string) =>
    subscribeWith(engine, teardown, spec, onEventHandled ? observed(spec, handler, onEventHandled) : handler, source);
  for (const { object, name } of managed) {
    if (typeof object.open !== 'function') continue;
    try {
      await object.open();
    } catch (error) {
      ports.logger.error('failed to open', { object: name, error });
      throw error;
    }
  }
  // Before anything can place an order; pushed now so it runs after subscriptions and hooks have stopped.
  teardown.push('saga head starts', drainHeadStarts);

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
    await subscribe({ topic: TOPICS.orders, group: SAGA_STARTER_GROUP, scope: 'cluster' }, startSaga, 'core');
  }
  if (hasRole(config, 'api')) {
    // Every process keeps its own price-cache copy and search index current, whichever replica changed the product.
    const refresh: EventHandler = async (event) => {
      if (event.type === EVENT_TYPES.productChanged) await useCases.refreshCatalogueEntry(event);
    };
    await subscribe({ topic: TOPICS.products, group: 'limitedcart.catalogue', scope: 'process' }, refresh, 'core');
  }
  for (const record of records) {
    for (const spec of record.subscriptions) {
      if (!hasRole(config, spec.scope === 'process' ? 'api' : 'worker')) continue;
      const handler: EventHandler =
        spec.scope === 'process'
          ? (event) => spec.handler(event, engine)
          : oncePerEvent(ports.processedEvents, spec.group, (event) => spec.handler(event, engine));
      await subscribe(spec, handler, record.name);
    }
  }

  if (!ports.eventBus.readsOutbox && hasRole(config, 'relay')) {
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
    const admitter = startPeriodic('queue admitter', config.queueAdmitIntervalMs, () => useCases.admitQueues(), ports.logger);
    teardown.push('queue admitter', () => admitter.stop());
  }
}

/**
 * A group of this process alone: every replica must see every event (its own SSE clients, its own caches), so
 * replicas must not share a group and split the events between them.
 */
const processGroup = (group: string): string => `${group}-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;

/** Reports each handled event's delivery delay and handling time to `report`, which never affects the handling. */
function observed(
  spec: Pick<SubscriptionSpec, 'topic' | 'group'>,
  handler: EventHandler,
  report: NonNullable<EngineOptions['onEventHandled']>,
): EventHandler {
  const tell = (event: DomainEvent, started: number, ok: boolean) => {
    try {
      const occurredAt = Date.parse(event.occurredAt);
      report({
        topic: spec.topic,
        group: spec.group,
        type: event.type,
        delayMs: Number.isFinite(occurredAt) ? Math.max(0, started - occurredAt) : 0,
        durationMs: Date.now() - started,
        ok,
      });
    } catch {
      // An observer's failure is the observer's: the event was handled.
    }
  };
  return async (event) => {
    const started = Date.now();
    try {
      await handler(event);
      tell(event, started, true);
    } catch (error) {
      tell(event, started, false);
      throw error;
    }
  };
}

async function subscribeWith(
  engine: Engine,
  teardown: TeardownStack,
  spec: Pick<SubscriptionSpec, 'topic' | 'group' | 'scope'>,
  handler: EventHandler,
  source: string,
): Promise<void> {
  const perProcess = spec.scope === 'process';
  const group = perProcess ? processGroup(spec.group) : spec.group;
  const subscription = await engine.ports.eventBus.subscribe(spec.topic, group, handler, perProcess ? { startAt: 'latest', ephemeral: true } : {});
  teardown.push(`${source} subscription ${spec.topic}/${group}`, () => subscription.unsubscribe());
}

/** Closes objects newest-built first; every close runs, failures are raised together. */
async function closeAll(managed: readonly ManagedObject[], logger: Engine['ports']['logger']): Promise<void> {
  const failures: unknown[] = [];
  for (const { object, name } of [...managed].reverse()) {
    if (typeof object.close !== 'function') continue;
    try {
      await object.close();
    } catch (error) {
      logger.error('failed to close', { object: name, error });
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} object(s) failed to close`);
}

async function runCheck(name: string, check: HealthCheck): Promise<HealthReport> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
  });
  try {
    const status: HealthStatus & { name?: unknown } = await Promise.race([Promise.resolve().then(check), timeout]);
    // An object may name itself in its report (e.g. `saga-runner:pg-boss:worker`); its registration names it otherwise.
    const report: HealthReport = { name: typeof status.name === 'string' ? status.name : name, ok: status.ok === true };
    return status.detail === undefined ? report : { ...report, detail: status.detail };
  } catch (error) {
    return { name, ok: false, detail: messageOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

