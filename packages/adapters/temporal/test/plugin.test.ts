import { createEngine, type Engine, money } from '@limitedcart/core';
import { createSilentLogger } from '@limitedcart/core/memory';
import { waitFor } from '@limitedcart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type TemporalSagaRunner, temporal } from '../src/index.js';
import { quietTemporalRuntime } from './support/quiet-runtime.js';
import { noTemporal, requireTemporalAddress, uniqueName } from './support/temporal-env.js';

/**
 * The plugin in an engine whose process has the worker role (core's in-memory ports otherwise): the `order.placed`
 * saga starter starts each saga, and with `eagerStart` the server hands its first workflow task to this worker.
 */
describe.skipIf(noTemporal)('temporal() in a worker process', () => {
  let engine: Engine | undefined;

  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
  });

  it.each([
    { eagerStart: true, eagerly: 3 },
    { eagerStart: false, eagerly: 0 },
  ])('starts sagas from order.placed, eagerly: $eagerStart', async ({ eagerStart, eagerly }) => {
    quietTemporalRuntime();
    engine = createEngine({
      plugins: [temporal({ address: requireTemporalAddress(), taskQueue: uniqueName('plugin-test'), eagerStart })],
      adapters: { logger: createSilentLogger() },
      config: { roles: ['api', 'worker', 'relay'], sagaHeadStarts: 0 },
    });
    await engine.start();
    const { useCases, ports } = engine;
    const product = await useCases.createProduct({ name: 'Eager', description: '', price: money(500), maxQuantityPerCustomer: 1, active: true });
    await useCases.restock({ productId: product.id, quantity: 3, opId: `restock-${eagerStart}` });
    const orders: string[] = [];
    for (const customerId of ['a', 'b', 'c']) {
      const placed = await useCases.placeOrder({ customerId, productId: product.id, quantity: 1 });
      if (!placed.ok) throw new Error(`order rejected: ${placed.reason}`);
      orders.push(placed.order.id);
    }
    for (const orderId of orders) {
      await waitFor(async () => (await ports.orders.get(orderId))?.status === 'PAYMENT_PENDING', {
        message: `order ${orderId} to reach PAYMENT_PENDING`,
        timeoutMs: 20_000,
      });
    }
    expect((ports.sagaRunner as TemporalSagaRunner).startCounts()).toEqual({ started: 3, eagerly });
    // End the waiting sagas while the worker still runs, so nothing waits on the shared dev server afterwards.
    for (const orderId of orders) await ports.sagaRunner.signal(orderId, { type: 'cancel', reason: 'test cleanup' });
    for (const orderId of orders) {
      await waitFor(async () => (await ports.orders.get(orderId))?.status === 'CANCELLED', { message: `order ${orderId} to end` });
    }
  });
});
