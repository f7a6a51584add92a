import { describe, expect, it } from 'vitest';
import {
  createEngine,
  createMemoryEventBus,
  createMemoryStockGate,
  createSilentLogger,
  definePlugin,
  type EventBus,
  type HealthReport,
  isLimitedCartError,
  LimitedCartError,
  type Lifecycle,
  type StockGate,
} from '../src/index.js';
import { testEngine } from './engine-fixture.js';

/** Wraps memory adapters with a lifecycle that records into `log`. */
function lifecycleAdapters(log: string[], options: { failStart?: 'stockGate' | 'eventBus'; unhealthy?: boolean } = {}) {
  const gate = createMemoryStockGate();
  const stockGate: StockGate & Lifecycle = {
    ...gate,
    reserve: (request) => gate.reserve(request),
    async start() {
      log.push('stockGate.start');
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
    async start() {
      log.push('eventBus.start');
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
  it('starts adapters before plugins and stops everything in reverse', async () => {
    const log: string[] = [];
    const engine = testEngine({
      adapters: lifecycleAdapters(log),
      plugins: [hooks('first', log), hooks('second', log)],
    });
    expect(engine.state).toBe('created');

    await engine.start();
    expect(engine.state).toBe('started');
    expect(log).toEqual(['stockGate.start', 'eventBus.start', 'first.start', 'second.start']);

    log.length = 0;
    await engine.stop();
    expect(engine.state).toBe('stopped');
    expect(log).toEqual(['second.stop', 'first.stop', 'eventBus.close', 'stockGate.close']);
  });

  it('shares one start between concurrent callers and stops idempotently', async () => {
    const log: string[] = [];
    const engine = testEngine({ adapters: lifecycleAdapters(log) });
    await Promise.all([engine.start(), engine.start()]);
    expect(log.filter((entry) => entry.endsWith('.start'))).toEqual(['stockGate.start', 'eventBus.start']);

    await Promise.all([engine.stop(), engine.stop()]);
    await engine.stop();
    expect(log.filter((entry) => entry.endsWith('.close'))).toEqual(['eventBus.close', 'stockGate.close']);
    await expect(engine.start()).rejects.toSatisfy((error) => isLimitedCartError(error, 'CONFLICT'));
  });

  it('closes adapters on stop even when the engine never started', async () => {
    const log: string[] = [];
    const engine = testEngine({ adapters: lifecycleAdapters(log) });
    await engine.stop();
    expect(log).toEqual(['eventBus.close', 'stockGate.close']);
  });

  it('rejects start with the adapter’s own error, and undoes what had started', async () => {
    const log: string[] = [];
    const engine = testEngine({
      adapters: lifecycleAdapters(log, { failStart: 'eventBus' }),
      plugins: [hooks('plugin', log)],
    });

    const error = await engine.start().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LimitedCartError);
    expect((error as LimitedCartError).message).toBe('broker unreachable');
    expect(log).toEqual(['stockGate.start', 'eventBus.start', 'eventBus.close', 'stockGate.close']);
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
      'stockGate.start',
      'eventBus.start',
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
      relay: true,
      startSagaInline: true,
      roles: ['api', 'worker', 'relay'],
    });
    expect(() => createEngine({ config: { paymentWindowMs: 0 } })).toThrow(/paymentWindowMs/);
    expect(() => createEngine({ config: { roles: ['web' as never] } })).toThrow(/unknown role web/);
  });
});
