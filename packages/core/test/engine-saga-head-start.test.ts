import { describe, expect, it } from 'vitest';
import { money, type Order, type SagaRunner } from '../src/index.js';
import { createSilentLogger } from '../src/memory/index.js';
import { waitFor } from '../src/testing/index.js';
import { createSagaHeadStart } from '../src/use-cases/saga-head-start.js';
import { testEngine } from './engine-fixture.js';

/**
 * An api-only process (no `order.placed` subscriber) shows what the head start alone does: it starts the saga after
 * the order commits, unless `sagaHeadStarts` is 0.
 */
describe('saga head start', () => {
  const placeOne = async (sagaHeadStarts: number) => {
    const engine = testEngine({ config: { roles: ['api'], sagaHeadStarts } });
    await engine.start();
    // The head start calls `start` synchronously inside placeOrder, so counting calls needs no waiting.
    const runner = engine.ports.sagaRunner;
    const start = runner.start.bind(runner);
    let starts = 0;
    runner.start = (input) => {
      starts += 1;
      return start(input);
    };
    const product = await engine.useCases.createProduct({
      name: 'Head Start',
      description: '',
      price: money(500),
      maxQuantityPerCustomer: 1,
      active: true,
    });
    await engine.useCases.restock({ productId: product.id, quantity: 5, opId: `op-${sagaHeadStarts}` });
    const placed = await engine.useCases.placeOrder({ customerId: 'shopper', productId: product.id, quantity: 1 });
    if (!placed.ok) throw new Error(`order rejected: ${placed.reason}`);
    return { engine, order: placed.order, starts: () => starts };
  };

  it('starts the saga in the background after the order commits', async () => {
    const { engine, order, starts } = await placeOne(4);
    expect(starts()).toBe(1);
    const saga = await waitFor(() => engine.ports.sagaRunner.describe(order.id), { message: 'saga started' });
    expect(saga.orderId).toBe(order.id);
    await waitFor(async () => (await engine.ports.orders.get(order.id))?.status === 'PAYMENT_PENDING');
  });

  it('leaves every start to the subscriber when set to 0', async () => {
    const { engine, order, starts } = await placeOne(0);
    expect(starts()).toBe(0);
    expect(await engine.ports.sagaRunner.describe(order.id)).toBeNull();
  });

  it('rejects a negative bound', () => {
    expect(() => testEngine({ config: { sagaHeadStarts: -1 } })).toThrow(/sagaHeadStarts/);
  });

  describe('over its bound', () => {
    /** A runner whose starts finish only when the test says so. */
    const heldRunner = () => {
      const started: string[] = [];
      const finishers: (() => void)[] = [];
      const start: SagaRunner['start'] = (input) => {
        started.push(input.orderId);
        return new Promise((resolve) => finishers.push(() => resolve({ started: true })));
      };
      const finish = async (count: number) => {
        for (const done of finishers.splice(0, count)) done();
        await new Promise((resolve) => setImmediate(resolve));
      };
      return { runner: { start } as unknown as SagaRunner, started, finish };
    };
    const order = (id: string) => ({ id, holdUntil: new Date('2030-01-01T00:00:00Z') }) as Order;

    it('starts the waiting orders in order as slots free up, those freed together in the same turn', async () => {
      const { runner, started, finish } = heldRunner();
      const headStart = createSagaHeadStart({ sagaRunner: runner, logger: createSilentLogger() }, 2);
      for (const id of ['a', 'b', 'c', 'd', 'e']) headStart.start(order(id));
      expect(started).toEqual(['a', 'b']);
      await finish(2);
      expect(started).toEqual(['a', 'b', 'c', 'd']);
      await finish(2);
      expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('leaves a burst beyond its waiting room to the subscriber', async () => {
      const { runner, started, finish } = heldRunner();
      const headStart = createSagaHeadStart({ sagaRunner: runner, logger: createSilentLogger() }, 1);
      for (let i = 0; i < 20; i++) headStart.start(order(`o${i}`));
      // One in flight and 16 waiting; the last three are the subscriber's.
      for (let i = 0; i < 20; i++) await finish(1);
      expect(started).toEqual(Array.from({ length: 17 }, (_, i) => `o${i}`));
    });

    it('drains: takes no new start and waits for those in flight, leaving the waiting ones to the subscriber', async () => {
      const { runner, started, finish } = heldRunner();
      const headStart = createSagaHeadStart({ sagaRunner: runner, logger: createSilentLogger() }, 1);
      for (const id of ['a', 'b']) headStart.start(order(id));
      let drained = false;
      const draining = headStart.drain().then(() => {
        drained = true;
      });
      headStart.start(order('c'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(drained).toBe(false);
      await finish(1);
      await draining;
      expect(started).toEqual(['a']);
    });
  });
});
