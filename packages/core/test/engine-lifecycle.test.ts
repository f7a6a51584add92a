import { describe, expect, it } from 'vitest';
import {
  createEngine,
  definePlugin,
  defineToken,
  type EventBus,
  forwardLifecycle,
  type HealthReport,
  isLimitedCartError,
  type Lifecycle,
  LimitedCartError,
  money,
  type StockGate,
} from '../src/index.js';
import { createMemoryEventBus, createMemoryStockGate, createSilentLogger } from '../src/memory/index.js';
import { waitFor } from '../src/testing/wait-for.js';
import { testEngine } from './engine-fixture.js';

/** Wraps memory adapters with a lifecycle that records into `log`. */
function lifecycleAdapters(log: string[], options: { failStart?: 'stockGate' | 'eventBus'; unhealthy?: boolean } = {}) {
  const gate = createMemoryStockGate();
  const stockGate: StockGate & Lifecycle = {
    ...gate,
    reserve: (request) => gate.reserve(request),
    async open() {
      log.push('stockGate.open');
      if (options.failStart === 'stockGate') throw new LimitedCartError('INFRASTRUCTURE', 'gate unreachable');
    },
    async close() {
      log.push('stockGate.close');
    },
    async health(): Promise<HealthReport> {
      return { name: 'stock-gate', ok: !options.unhealthy, detail: options.unhealthy ? 'redis down' : 'ok' };
    },
  };
  const bus = createMemoryEventBus();
  const eventBus: EventBus & Lifecycle = {
    publish: (events) => bus.publish(events),
    subscribe: (topic, group, handler) => bus.subscribe(topic, group, handler),
    async open() {
      log.push('eventBus.open');
      if (options.failStart === 'eventBus') throw new LimitedCartError('INFRASTRUCTURE', 'broker unreachable');
    },
    async close() {
      log.push('eventBus.close');
      await bus.close();
    },
  };
  return { stockGate, eventBus };
}

const hooks = (name: string, log: string[], options: { failStart?: boolean } = {}) =>
  definePlugin({
    name,
    setup(ctx) {
      ctx.onStart(() => {
        log.push(`${name}.start`);
        if (options.failStart) throw new Error('cannot reach the search service');
      });
      ctx.onStop(() => {
        log.push(`${name}.stop`);
      });
    },
  });

describe('engine lifecycle', () => {
  it('opens its objects before plugins start, and stops everything in reverse', async () => {
    const log: string[] = [];
    const engine = testEngine({
      adapters: lifecycleAdapters(log),
      plugins: [hooks('first', log), hooks('second', log)],
    });
    expect(engine.state).toBe('created');

    await engine.start();
    expect(engine.state).toBe('started');
    expect(log).toEqual(['stockGate.open', 'eventBus.open', 'first.start', 'second.start']);

    log.length = 0;
    await engine.stop();
    expect(engine.state).toBe('stopped');
    expect(log).toEqual(['second.stop', 'first.stop', 'eventBus.close', 'stockGate.close']);
  });

  it('shares one start between concurrent callers and stops idempotently', async () => {
    const log: string[] = [];
    const engine = testEngine({ adapters: lifecycleAdapters(log) });
    await Promise.all([engine.start(), engine.start()]);
    expect(log.filter((entry) => entry.endsWith('.open'))).toEqual(['stockGate.open', 'eventBus.open']);

    await Promise.all([engine.stop(), engine.stop()]);
    await engine.stop();
    expect(log.filter((entry) => entry.endsWith('.close'))).toEqual(['eventBus.close', 'stockGate.close']);
    await expect(engine.start()).rejects.toSatisfy((error) => isLimitedCartError(error, 'CONFLICT'));
  });

  it('closes its objects on stop even when the engine never started', async () => {
    const log: string[] = [];
    const engine = testEngine({ adapters: lifecycleAdapters(log) });
    await engine.stop();
    expect(log).toEqual(['eventBus.close', 'stockGate.close']);
  });

  it('rejects start with the object’s own error, and undoes what had started', async () => {
    const log: string[] = [];
    const engine = testEngine({
      adapters: lifecycleAdapters(log, { failStart: 'eventBus' }),
      plugins: [hooks('plugin', log)],
    });

    const error = await engine.start().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LimitedCartError);
    expect((error as LimitedCartError).message).toBe('broker unreachable');
    expect(log).toEqual(['stockGate.open', 'eventBus.open', 'eventBus.close', 'stockGate.close']);
    expect(engine.state).toBe('stopped');
    await engine.stop();
    expect(log.filter((entry) => entry.endsWith('.close'))).toHaveLength(2);
  });

  it('rejects start when a plugin’s onStart fails, after running that plugin’s onStop', async () => {
    const log: string[] = [];
    const engine = testEngine({
      adapters: lifecycleAdapters(log),
      plugins: [hooks('ok', log), hooks('search', log, { failStart: true }), hooks('never', log)],
    });

    await expect(engine.start()).rejects.toThrow('plugin search failed in onStart: cannot reach the search service');
    expect(log).toEqual([
      'stockGate.open',
      'eventBus.open',
      'ok.start',
      'search.start',
      'search.stop',
      'ok.stop',
      'eventBus.close',
      'stockGate.close',
    ]);
  });

  it('reports stop failures together after running every step', async () => {
    const log: string[] = [];
    const failingStop = definePlugin({
      name: 'failing-stop',
      setup(ctx) {
        ctx.onStop(() => {
          throw new Error('flush failed');
        });
      },
    });
    const engine = createEngine({
      adapters: { ...lifecycleAdapters(log), logger: createSilentLogger() },
      plugins: [failingStop],
    });
    await engine.start();
    await expect(engine.stop()).rejects.toThrow(/plugin failing-stop onStop \(flush failed\)/);
    expect(log).toContain('stockGate.close');
    expect(engine.state).toBe('stopped');
  });
});

describe('engine lifecycle: dependency order and wrappers', () => {
  interface Pool extends Lifecycle {
    query(): string;
  }
  const POOL = defineToken<Pool>('test.lifecycle.pool');
  const pool = (log: string[]): Pool => ({
    query: () => 'row',
    async open() {
      log.push('pool.open');
    },
    async close() {
      log.push('pool.close');
    },
    health: () => ({ ok: true, detail: 'reachable' }),
  });

  it('opens what an object resolved before the object, whatever the plugin order, and closes it after', async () => {
    const log: string[] = [];
    const gate = createMemoryStockGate();
    const users = definePlugin({
      name: 'gate-on-pool',
      setup(ctx) {
        ctx.provide({
          stockGate: {
            useFactory: ({ resolve }) => {
              const connection = resolve(POOL);
              const reserve: typeof gate.reserve = (request) => {
                connection.query();
                return gate.reserve(request);
              };
              return forwardLifecycle({ ...gate, reserve }, {
                async open() {
                  log.push('gate.open');
                },
                async close() {
                  log.push('gate.close');
                },
              });
            },
          },
        });
      },
    });
    const owner = definePlugin({ name: 'pool-owner', setup: (ctx) => ctx.register(POOL, { useFactory: () => pool(log) }) });
    const engine = testEngine({ plugins: [users, owner] });
    await engine.start();
    expect(log).toEqual(['pool.open', 'gate.open']);
    expect((await engine.health()).checks).toContainEqual({ name: 'test.lifecycle.pool', ok: true, detail: 'reachable' });
    await engine.stop();
    expect(log).toEqual(['pool.open', 'gate.open', 'gate.close', 'pool.close']);
  });

  it('keeps the lifecycle of a decorated port: the wrapper forwards it, each call once', async () => {
    const log: string[] = [];
    const adapters = lifecycleAdapters(log);
    const tracing = definePlugin({
      name: 'tracing',
      setup(ctx) {
        ctx.decorate('stockGate', (inner) => forwardLifecycle({ ...inner, reserve: (request) => inner.reserve(request) }, inner));
      },
    });
    const engine = testEngine({ plugins: [definePlugin({ name: 'gate', setup: (ctx) => ctx.provide({ stockGate: adapters.stockGate }) }), tracing] });
    await engine.start();
    expect((await engine.health()).checks).toContainEqual({ name: 'stock-gate', ok: true, detail: 'ok' });
    await engine.stop();
    expect(log).toEqual(['stockGate.open', 'stockGate.close']);
  });

  it('names a dependency cycle, and a token nobody registered', () => {
    const orphan = definePlugin({ name: 'orphan', setup: (ctx) => ctx.register(POOL, { useFactory: ({ resolve }) => resolve(POOL) }) });
    expect(() => createEngine({ plugins: [orphan] })).toThrow(/dependency cycle: test.lifecycle.pool → test.lifecycle.pool/);
    expect(() =>
      createEngine({
        plugins: [definePlugin({ name: 'needs-pool', setup: (ctx) => ctx.provide({ stockGate: { useFactory: ({ resolve }) => resolve(POOL) as never } }) })],
      }),
    ).toThrow(/nothing is registered for test.lifecycle.pool/);
  });
});

describe('engine health', () => {
  it('aggregates the engine state, adapter health and plugin checks', async () => {
    const log: string[] = [];
    const engine = testEngine({
      adapters: lifecycleAdapters(log),
      plugins: [
        definePlugin({
          name: 'checks',
          setup(ctx) {
            ctx.health('search', () => ({ ok: true }));
            ctx.health('mailer', async () => {
              throw new Error('smtp refused');
            });
          },
        }),
      ],
    });

    const before = await engine.health();
    expect(before.ok).toBe(false);
    expect(before.checks[0]).toEqual({ name: 'engine', ok: false, detail: 'created' });

    await engine.start();
    const started = await engine.health();
    expect(started.ok).toBe(false);
    expect(started.checks).toEqual([
      { name: 'engine', ok: true, detail: 'started' },
      { name: 'stock-gate', ok: true, detail: 'ok' },
      { name: 'search', ok: true },
      { name: 'mailer', ok: false, detail: 'smtp refused' },
    ]);
  });

  it('is healthy when every check passes, and unhealthy once stopped', async () => {
    const engine = testEngine({ adapters: lifecycleAdapters([]) });
    await engine.start();
    expect((await engine.health()).ok).toBe(true);
    await engine.stop();
    const stopped = await engine.health();
    expect(stopped.ok).toBe(false);
    expect(stopped.checks[0]).toEqual({ name: 'engine', ok: false, detail: 'stopped' });
  });

  it('counts the event bus and the saga engine only in the roles that use them', async () => {
    const down = { ok: false, detail: 'broker unreachable' };
    const bus = Object.assign(createMemoryEventBus(), { health: () => down });
    const api = testEngine({ adapters: { eventBus: bus }, config: { roles: ['api'] } });
    await api.start();
    const apiHealth = await api.health();
    expect(apiHealth.checks).toContainEqual({ name: 'eventBus', ok: false, detail: 'broker unreachable', optional: true });
    expect(apiHealth.ok, 'an api takes orders while the bus is down: events wait in the outbox').toBe(true);

    const worker = testEngine({ adapters: { eventBus: Object.assign(createMemoryEventBus(), { health: () => down }) }, config: { roles: ['worker'] } });
    await worker.start();
    const workerHealth = await worker.health();
    expect(workerHealth.checks).toContainEqual({ name: 'eventBus', ok: false, detail: 'broker unreachable' });
    expect(workerHealth.ok, 'a worker cannot do its job without the bus').toBe(false);
  });

  it('reports an unhealthy adapter', async () => {
    const engine = testEngine({ adapters: lifecycleAdapters([], { unhealthy: true }) });
    await engine.start();
    const health = await engine.health();
    expect(health.ok).toBe(false);
    expect(health.checks).toContainEqual({ name: 'stock-gate', ok: false, detail: 'redis down' });
  });
});

describe('engine config', () => {
  it('fills defaults and rejects nonsense at creation', () => {
    const engine = testEngine();
    expect(engine.config).toMatchObject({
      paymentWindowMs: 600_000,
      sagaHeadStarts: 128,
      soldOutCacheMs: 250,
      orderRateLimits: { perCustomerPerMinute: 60, perAddressPerMinute: 600 },
      roles: ['api', 'worker', 'relay'],
    });
    expect(testEngine({ config: { orderRateLimits: { perAddressPerMinute: 0 } } }).config.orderRateLimits).toEqual({
      perCustomerPerMinute: 60,
      perAddressPerMinute: 0,
    });
    expect(() => createEngine({ config: { paymentWindowMs: 0 } })).toThrow(/paymentWindowMs/);
    expect(() => createEngine({ config: { roles: ['web' as never] } })).toThrow(/unknown role web/);
  });
});

describe('engine stop with sagas in flight', () => {
  it('is quiet: no error line per open saga', async () => {
    const lines: { level: string; message: string }[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (message: string) => void lines.push({ level: 'warn', message }),
      error: (message: string) => void lines.push({ level: 'error', message }),
      child: () => logger,
    };
    const engine = createEngine({ adapters: { logger } });
    await engine.start();
    const product = await engine.useCases.createProduct({ name: 'Quiet', price: money(100) });
    await engine.useCases.restock({ productId: product.id, quantity: 5, opId: 'quiet' });
    const placed = await Promise.all(
      Array.from({ length: 5 }, (_, i) => engine.useCases.placeOrder({ customerId: `c${i}`, productId: product.id, quantity: 1 })),
    );
    for (const result of placed) {
      if (!result.ok) throw new Error('not placed');
      await waitFor(async () => (await engine.ports.orders.get(result.order.id))?.status === 'PAYMENT_PENDING');
    }
    await engine.stop();
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
    expect(lines).toEqual([{ level: 'warn', message: 'in-memory saga runner closed with sagas in flight; they end with this process' }]);
  });
});
