import type { InjectionToken } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import {
  type Clock,
  createEngine,
  createManualClock,
  createMemoryPriceCache,
  definePlugin,
  type DomainEvent,
  type Engine,
  isLimitedCartError,
  LimitedCartError,
  type PluginContext,
  type PriceCache,
} from '../src/index.js';
import { waitFor } from '../src/testing/wait-for.js';
import { testEngine } from './engine-fixture.js';

/** What a host would declare: the extension keys it reads, with their value types. */
interface TestRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
}
declare module '../src/engine/extensions.js' {
  interface EngineExtensions {
    'test.routes': TestRoute;
  }
}

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
        'products',
        'sagaRunner',
        'searchIndex',
        'stockGate',
        'unitOfWork',
      ].sort(),
    );
    for (const port of Object.values(engine.ports)) expect(port).toBeTruthy();
    await engine.stop();
  });

  it('runs factories lazily, so they see the final registration of the ports they use', () => {
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

    expect(seen).toBeUndefined();
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
    expect(build).toThrow(/dependency cycle: limitedcart\.clock → limitedcart\.logger → limitedcart\.clock/);
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

  it('collects extensions per key, in plugin order, typed by the declared keys', () => {
    const routes = (name: string, path: string) =>
      definePlugin({
        name,
        setup(ctx) {
          ctx.extend('test.routes', { method: 'GET', path });
          ctx.extend('untyped.key', 42);
        },
      });
    const engine = testEngine({ plugins: [routes('a', '/a'), routes('b', '/b')] });

    const mounted: readonly TestRoute[] = engine.extensions.get('test.routes');
    expect(mounted.map((route) => route.path)).toEqual(['/a', '/b']);
    expect(engine.extensions.get('untyped.key')).toEqual([42, 42]);
    expect(engine.extensions.get('nobody.declared')).toEqual([]);
    expect([...engine.extensions.keys()].sort()).toEqual(['test.routes', 'untyped.key']);
    expect(engine.plugins).toEqual(['a', 'b']);
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
});

function createSilentLoggerLike() {
  const noop = () => {};
  const logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => logger };
  return logger;
}
