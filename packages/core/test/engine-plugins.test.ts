import type { InjectionToken } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import {
  type Clock,
  createEngine,
  type DomainEvent,
  definePlugin,
  type Engine,
  type EventHandledReport,
  isLimitedCartError,
  LimitedCartError,
  type PluginContext,
  type PriceCache,
} from '../src/index.js';
import { createMemoryEventBus } from '../src/memory/event-bus.js';
import { createManualClock, createMemoryPriceCache } from '../src/memory/index.js';
import { waitFor } from '../src/testing/wait-for.js';
import { testEngine } from './engine-fixture.js';

const GREETING: InjectionToken<{ readonly hello: string }> = Symbol('test.greeting');

const cachePlugin = (name: string, cache: PriceCache) =>
  definePlugin({
    name,
    setup(ctx) {
      ctx.provide({ priceCache: cache });
    },
  });

describe('definePlugin', () => {
  it('rejects a plugin without a name or setup', () => {
    expect(() => definePlugin({ name: '', setup() {} })).toThrow(LimitedCartError);
    expect(() => definePlugin({ name: 'x' } as never)).toThrow(/setup must be a function/);
  });
});

describe('plugin registration', () => {
  it('lets later registrations win: defaults < plugins in order < createEngine adapters', () => {
    const first = createMemoryPriceCache();
    const second = createMemoryPriceCache();
    const explicit = createMemoryPriceCache();

    expect(testEngine({ plugins: [cachePlugin('a', first), cachePlugin('b', second)] }).ports.priceCache).toBe(second);
    expect(testEngine({ plugins: [cachePlugin('b', second), cachePlugin('a', first)] }).ports.priceCache).toBe(first);
    expect(
      testEngine({ plugins: [cachePlugin('a', first)], adapters: { priceCache: explicit } }).ports.priceCache,
    ).toBe(explicit);
  });

  it('fills every port nobody registered with the in-memory implementation', async () => {
    const engine = createEngine();
    expect(Object.keys(engine.ports).sort()).toEqual(
      [
        'admissionQueue',
        'audit',
        'clock',
        'customers',
        'eventBus',
        'idempotency',
        'logger',
        'orders',
        'outbox',
        'paymentGateway',
        'payments',
        'priceCache',
        'processedEvents',
        'rateLimiter',
        'products',
        'queueSettings',
        'sagaRunner',
        'searchIndex',
        'sessions',
        'stockGate',
        'unitOfWork',
      ].sort(),
    );
    for (const port of Object.values(engine.ports)) expect(port).toBeTruthy();
    await engine.stop();
  });

  it('builds every registration once, after every plugin registered, so factories see the final ports', () => {
    const clock = createManualClock(new Date('2031-01-01T00:00:00Z'));
    let seen: Clock | undefined;
    const runnerPlugin = definePlugin({
      name: 'runner',
      setup(ctx) {
        ctx.register(GREETING, {
          useFactory: ({ ports }) => {
            seen = ports.clock;
            return { hello: 'world' };
          },
        });
      },
    });
    const clockPlugin = definePlugin({ name: 'clock', setup: (ctx) => ctx.provide({ clock }) });
    const engine = testEngine({ plugins: [runnerPlugin, clockPlugin] });

    expect(seen).toBe(clock);
    const first = engine.resolve(GREETING);
    expect(first).toEqual({ hello: 'world' });
    expect(engine.resolve(GREETING)).toBe(first);
    expect(seen).toBe(clock);
  });

  it('resolves a plugin’s own tokens, and refuses unknown ones with NOT_FOUND', () => {
    const engine = testEngine({
      plugins: [definePlugin({ name: 'greeter', setup: (ctx) => ctx.register(GREETING, { hello: 'there' }) })],
    });
    expect(engine.resolve(GREETING)).toEqual({ hello: 'there' });
    expect(() => engine.resolve(Symbol('unknown') as InjectionToken<unknown>)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it('reports a dependency cycle between factories instead of overflowing the stack', () => {
    const build = () =>
      createEngine({
        adapters: {
          clock: { useFactory: ({ ports }) => (ports.logger ? { now: () => new Date() } : { now: () => new Date() }) },
          logger: { useFactory: ({ ports }) => (ports.clock ? createSilentLoggerLike() : createSilentLoggerLike()) },
        },
      });
    expect(build).toThrow(/dependency cycle: clock → logger → clock/);
  });

  it('rejects a port name that is not a port, a plugin applied twice, and async setups', () => {
    expect(() => createEngine({ adapters: { stockGates: {} } as never })).toThrow(/stockGates is not a port/);
    const plugin = definePlugin({ name: 'twice', setup() {} });
    expect(() => createEngine({ plugins: [plugin, plugin] })).toThrow(/applied twice/);
    const asyncPlugin = definePlugin({ name: 'async', setup: async () => {} });
    expect(() => createEngine({ plugins: [asyncPlugin] })).toThrow(/setup must be synchronous/);
  });

  it('names the plugin whose setup failed and keeps the error code', () => {
    const broken = definePlugin({
      name: 'broken',
      setup() {
        throw new LimitedCartError('VALIDATION', 'missing option url');
      },
    });
    const error = (() => {
      try {
        createEngine({ plugins: [broken] });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isLimitedCartError(error, 'VALIDATION')).toBe(true);
    expect((error as Error).message).toBe('plugin broken failed in setup: missing option url');
  });

  it('refuses plugin context calls after setup returned', () => {
    let leaked: PluginContext | undefined;
    const leaky = definePlugin({
      name: 'leaky',
      setup(ctx) {
        leaked = ctx;
      },
    });
    testEngine({ plugins: [leaky] });
    expect(() => leaked!.onStart(() => {})).toThrow(/only usable during setup/);
  });

  it('refuses a plugin that replaces a port an earlier plugin decorated: the order would drop the decoration', () => {
    const tier = definePlugin({ name: 'tier', setup: (ctx) => ctx.decorate('priceCache', (inner) => inner) });
    const ledger = definePlugin({ name: 'ledger', setup: (ctx) => ctx.provide({ priceCache: createMemoryPriceCache() }) });
    expect(() => createEngine({ plugins: [tier, ledger] })).toThrow('ledger replaces priceCache, which tier decorates: list tier after ledger');
    expect(() => testEngine({ plugins: [ledger, tier] })).not.toThrow();
  });

  it('lists the applied plugins in order', () => {
    const named = (name: string) => definePlugin({ name, setup() {} });
    expect(testEngine({ plugins: [named('a'), named('b')] }).plugins).toEqual(['a', 'b']);
  });
});

describe('plugin subscriptions', () => {
  it('run once per event id per group, and receive the engine', async () => {
    const handled: string[] = [];
    let engineSeen: Engine | undefined;
    const engine = testEngine({
      plugins: [
        definePlugin({
          name: 'audit',
          setup(ctx) {
            ctx.subscribe('audit', 'audit.group', async (event, engine) => {
              engineSeen = engine;
              handled.push(event.id);
            });
          },
        }),
      ],
    });
    await engine.start();
    const event = (id: string): DomainEvent => ({
      id,
      topic: 'audit',
      type: 'audit.entry',
      aggregateId: 'one-aggregate',
      payload: {},
      occurredAt: new Date().toISOString(),
    });

    // One aggregate keeps publish order, so once e2 is handled the duplicate of e1 has been delivered too.
    await engine.ports.eventBus.publish([event('e1'), event('e1'), event('e2')]);
    await waitFor(() => handled.includes('e2'), { message: 'e2 handled' });

    expect(handled).toEqual(['e1', 'e2']);
    expect(engineSeen).toBe(engine);
  });

  it('runs cluster subscriptions on workers and process subscriptions on api processes', async () => {
    const bus = createMemoryEventBus();
    const seen: string[] = [];
    const listener = (role: string) =>
      definePlugin({
        name: `listener-${role}`,
        setup(ctx) {
          ctx.subscribe('chat', 'chat.cluster', async (event) => void seen.push(`${role}:cluster:${event.id}`));
          ctx.subscribe('chat', 'chat.local', async (event) => void seen.push(`${role}:process:${event.id}`), { scope: 'process' });
        },
      });
    const engines = [
      testEngine({ adapters: { eventBus: bus }, plugins: [listener('api')], config: { roles: ['api'] } }),
      testEngine({ adapters: { eventBus: bus }, plugins: [listener('worker')], config: { roles: ['worker'] } }),
    ];
    await Promise.all(engines.map((engine) => engine.start()));
    await bus.publish([{ id: 'm1', topic: 'chat', type: 'chat.said', aggregateId: 'a', payload: {}, occurredAt: new Date().toISOString() }]);
    await waitFor(() => seen.length >= 2, { message: 'both subscriptions to handle m1' });
    expect(seen.sort()).toEqual(['api:process:m1', 'worker:cluster:m1']);
  });

  it('reports each handled event to onEventHandled: its delivery delay, handling time and outcome, under the declared group', async () => {
    const reports: EventHandledReport[] = [];
    let failOnce = true;
    const engine = testEngine({
      onEventHandled: (report) => reports.push(report),
      plugins: [
        definePlugin({
          name: 'slow',
          setup(ctx) {
            ctx.subscribe(
              'ticks',
              'ticks.local',
              async (event) => {
                if (event.id === 'late' && failOnce) {
                  failOnce = false;
                  throw new Error('retry me');
                }
                await new Promise((resolve) => setTimeout(resolve, 30));
              },
              { scope: 'process' },
            );
          },
        }),
      ],
    });
    await engine.start();
    // Occurred two seconds before it was published: the report says the bus handed it over that late.
    const occurredAt = new Date(Date.now() - 2_000).toISOString();
    await engine.ports.eventBus.publish([{ id: 'late', topic: 'ticks', type: 'tick', aggregateId: 'a', payload: {}, occurredAt }]);
    await waitFor(() => reports.some((report) => report.ok), { message: 'the retried event to be handled' });
    const [failed, handled] = reports.filter((report) => report.topic === 'ticks');
    expect(failed).toMatchObject({ topic: 'ticks', group: 'ticks.local', type: 'tick', ok: false });
    expect(handled).toMatchObject({ topic: 'ticks', group: 'ticks.local', type: 'tick', ok: true });
    expect(handled!.delayMs).toBeGreaterThanOrEqual(2_000);
    expect(handled!.durationMs).toBeGreaterThanOrEqual(25);
    await engine.stop();
  });

  it('starts a process subscription at the newest event: what was published before it joined is not replayed', async () => {
    const bus = createMemoryEventBus();
    const event = (id: string): DomainEvent => ({ id, topic: 'news', type: 'news', aggregateId: id, payload: {}, occurredAt: new Date().toISOString() });
    await bus.publish([event('old')]);
    const seen: string[] = [];
    const engine = testEngine({
      adapters: { eventBus: bus },
      plugins: [definePlugin({ name: 'local', setup: (ctx) => ctx.subscribe('news', 'news.local', async (e) => void seen.push(e.id), { scope: 'process' }) })],
    });
    await engine.start();
    await bus.publish([event('new')]);
    await waitFor(() => seen.includes('new'), { message: 'the new event' });
    expect(seen).toEqual(['new']);
  });
});

function createSilentLoggerLike() {
  const noop = () => {};
  const logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => logger };
  return logger;
}
