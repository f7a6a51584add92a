import { describe, expect, it } from 'vitest';
import { money } from '../src/index.js';
import { waitFor } from '../src/testing/index.js';
import { testEngine } from './engine-fixture.js';

/**
 * With sagas not started inline, an api-only process (no `order.placed` subscriber) shows what the head start
 * alone does: it starts the saga after the order commits, unless `sagaHeadStarts` is 0.
 */
describe('saga head start', () => {
  const placeOne = async (sagaHeadStarts: number) => {
    const engine = testEngine({ config: { roles: ['api'], startSagaInline: false, sagaHeadStarts } });
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
});
