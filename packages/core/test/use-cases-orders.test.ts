import { describe, expect, it } from 'vitest';
import { isLimitedCartError } from '../src/domain/errors.js';
import type { Order } from '../src/domain/order.js';
import { orderPlacedEvent, orderProgressEvent } from '../src/events/builders.js';
import { createMemoryStockGate } from '../src/memory/stock-gate.js';
import type { CorePorts } from '../src/ports/core-ports.js';
import type { SagaRunner } from '../src/ports/saga-runner.js';
import { cancelOrder } from '../src/use-cases/cancel-order.js';
import { expireHolds } from '../src/use-cases/expire-holds.js';
import { placeOrder } from '../src/use-cases/place-order.js';
import { startSagaForPlacedOrder } from '../src/use-cases/start-saga-for-placed-order.js';
import {
  admin,
  expectStockInvariant,
  manualClock,
  memoryPorts,
  outboxEvents,
  seedProduct,
  shopper,
  type TestPorts,
  waitForStatus,
} from './use-cases-fixture.js';

/** Places an order without starting its saga (as if the start was lost). */
async function placeWithoutSaga(deps: TestPorts, customerId: string, quantity = 1): Promise<Order> {
  const product = await seedProduct(deps, { stock: 5 });
  const result = await placeOrder(
    deps,
    { customerId, productId: product.id, quantity },
  );
  if (!result.ok) throw new Error(`order rejected: ${result.reason}`);
  return result.order;
}

describe('startSagaForPlacedOrder', () => {
  it('starts the saga of the placed order once, however often the event arrives', async () => {
    const deps = memoryPorts();
    const order = await placeWithoutSaga(deps, 'c1');
    const event = orderPlacedEvent(order, order.createdAt);

    expect(await startSagaForPlacedOrder(deps, event)).toEqual({ started: true });
    expect(await startSagaForPlacedOrder(deps, event)).toEqual({ started: false });
    await waitForStatus(deps, order.id, 'PAYMENT_PENDING');
    expect(await deps.sagaRunner.describe(order.id)).toMatchObject({ status: 'RUNNING' });
  });

  it('asks only the saga runner when the saga already runs', async () => {
    const deps = memoryPorts();
    const order = await placeWithoutSaga(deps, 'c1');
    await deps.sagaRunner.start({ orderId: order.id, paymentDeadline: order.holdUntil.toISOString() });
    const lookups: string[] = [];
    const orders = {
      ...deps.orders,
      get: async (id: string) => {
        lookups.push(id);
        return deps.orders.get(id);
      },
    };
    expect(await startSagaForPlacedOrder({ ...deps, orders }, orderPlacedEvent(order, order.createdAt))).toEqual({ started: false });
    expect(lookups).toEqual([]);
  });

  it('without head starts, asks for the start at once: no look at the saga first, still once per order', async () => {
    const deps = memoryPorts();
    const order = await placeWithoutSaga(deps, 'c1');
    const looks: string[] = [];
    const sagaRunner: SagaRunner = {
      start: (input) => deps.sagaRunner.start(input),
      signal: (id, signal) => deps.sagaRunner.signal(id, signal),
      describe: async (id: string) => {
        looks.push(id);
        return deps.sagaRunner.describe(id);
      },
      exists: async (id: string) => {
        looks.push(id);
        return (await deps.sagaRunner.describe(id)) !== null;
      },
    };
    const event = orderPlacedEvent(order, order.createdAt);
    const options = { headStartsRun: false };
    expect(await startSagaForPlacedOrder({ ...deps, sagaRunner }, event, options)).toEqual({ started: true });
    expect(await startSagaForPlacedOrder({ ...deps, sagaRunner }, event, options)).toEqual({ started: false });
    expect(looks).toEqual([]);
    await waitForStatus(deps, order.id, 'PAYMENT_PENDING');
  });

  it('ignores other order events, and skips orders that ended or do not exist', async () => {
    const deps = memoryPorts();
    const order = await placeWithoutSaga(deps, 'c1');
    expect(await startSagaForPlacedOrder(deps, orderProgressEvent(order))).toEqual({ started: false });
    expect(await deps.sagaRunner.describe(order.id)).toBeNull();

    await deps.orders.transition(order.id, 'CANCELLED', 'test');
    expect(await startSagaForPlacedOrder(deps, orderPlacedEvent(order, order.createdAt))).toEqual({
      started: false,
      skipped: 'ORDER_ENDED',
    });
    const ghost = orderPlacedEvent({ ...order, id: 'no-such-order' }, order.createdAt);
    expect(await startSagaForPlacedOrder(deps, ghost)).toEqual({ started: false, skipped: 'ORDER_NOT_FOUND' });
    expect(await deps.sagaRunner.describe(order.id)).toBeNull();
  });

  it('starts no saga for an order whose hold the sweep released before the start came through: the sweep ends it', async () => {
    // Issue 17, Temporal row: starts that failed while the saga engine was down are retried after it; an order whose
    // window passed meanwhile gets no saga (it would queue behind live ones and fail), and still ends EXPIRED.
    const clock = manualClock();
    const deps = memoryPorts({ clock });
    const order = await placeWithoutSaga(deps, 'c1');
    clock.advance(10 * 60_000 + 1);
    expect(await deps.stockGate.expire()).toEqual([order.id]);

    expect(await startSagaForPlacedOrder(deps, orderPlacedEvent(order, order.createdAt))).toEqual({ started: false, skipped: 'HOLD_LAPSED' });
    expect(await deps.sagaRunner.describe(order.id)).toBeNull();
    expect(await expireHolds(deps)).toEqual({ released: [], expired: [order.id] });
    expect(await deps.orders.get(order.id)).toMatchObject({ status: 'EXPIRED' });
  });

  it('rejects an order.placed event without a valid holdUntil', async () => {
    const deps = memoryPorts();
    const order = await placeWithoutSaga(deps, 'c1');
    const event = orderPlacedEvent(order, order.createdAt);
    const broken = { ...event, payload: { ...event.payload, holdUntil: 'tomorrow-ish' } };
    await expect(startSagaForPlacedOrder(deps, broken)).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'VALIDATION'),
    );
  });
});

describe('cancelOrder', () => {
  it('lets the owner cancel: the saga ends the order CANCELLED and returns the stock', async () => {
    const deps = memoryPorts();
    const product = await seedProduct(deps, { stock: 3 });
    const owner = shopper();
    const placed = await placeOrder(deps, { customerId: owner.customerId, productId: product.id, quantity: 2 });
    if (placed.ok) await startSaga(deps, placed.order);
    if (!placed.ok) throw new Error('not placed');
    await waitForStatus(deps, placed.order.id, 'PAYMENT_PENDING');

    const result = await cancelOrder(deps, { orderId: placed.order.id, actor: owner });

    expect(result.ok).toBe(true);
    const cancelled = await waitForStatus(deps, placed.order.id, 'CANCELLED');
    expect(cancelled.statusReason).toBe('cancelled by customer');
    expect(await deps.stockGate.snapshot(product.sku)).toMatchObject({ available: 3, held: 0, sold: 0 });
    await expectStockInvariant(deps, product.sku);
  });

  it('lets an ADMIN cancel anyone’s order', async () => {
    const deps = memoryPorts();
    const order = await placeWithoutSaga(deps, 'owner');
    const result = await cancelOrder(deps, { orderId: order.id, actor: admin() });
    expect(result).toMatchObject({ ok: true, order: { status: 'CANCELLED', statusReason: 'cancelled by admin' } });
  });

  it('answers NOT_FOUND to other customers and for unknown orders, revealing nothing', async () => {
    const deps = memoryPorts();
    const order = await placeWithoutSaga(deps, 'owner');
    for (const [orderId, actor] of [
      [order.id, shopper()],
      [order.id, shopper(['WAREHOUSE'])],
      ['no-such-order', admin()],
    ] as const) {
      await expect(cancelOrder(deps, { orderId, actor })).rejects.toSatisfy((error) =>
        isLimitedCartError(error, 'NOT_FOUND'),
      );
    }
    expect(await deps.orders.get(order.id)).toMatchObject({ status: 'PENDING' });
  });

  it('refuses to cancel an order that already ended', async () => {
    const deps = memoryPorts();
    const order = await placeWithoutSaga(deps, 'owner');
    await deps.orders.transition(order.id, 'EXPIRED', 'test');
    const result = await cancelOrder(deps, { orderId: order.id, actor: { customerId: 'owner', roles: ['USER'] } });
    expect(result).toEqual({ ok: false, reason: 'NOT_CANCELLABLE', status: 'EXPIRED' });
  });

  it('ends a PENDING order directly when its saga never started: CANCELLED, stock released, progress event', async () => {
    const deps = memoryPorts();
    const order = await placeWithoutSaga(deps, 'owner', 2);
    await outboxEvents(deps);

    const result = await cancelOrder(deps, { orderId: order.id, actor: { customerId: 'owner', roles: ['USER'] } });

    expect(result).toMatchObject({ ok: true, order: { status: 'CANCELLED' } });
    expect(await deps.stockGate.holdState(order.id)).toBe('RELEASED');
    await expectStockInvariant(deps, order.sku);
    const events = await outboxEvents(deps);
    expect(events).toEqual([
      expect.objectContaining({ type: 'order.progress', payload: expect.objectContaining({ status: 'CANCELLED' }) }),
    ]);
    // The lost start arriving late does not resurrect the order.
    expect(await startSagaForPlacedOrder(deps, orderPlacedEvent(order, order.createdAt))).toMatchObject({ started: false });
  });

  it('rejects a malformed actor as VALIDATION', async () => {
    const deps = memoryPorts();
    await expect(cancelOrder(deps, { orderId: 'x', actor: { customerId: '', roles: [] } })).rejects.toSatisfy(
      (error) => isLimitedCartError(error, 'VALIDATION'),
    );
    await expect(
      cancelOrder(deps, { orderId: 'x', actor: { customerId: 'c', roles: 'ADMIN' } as never }),
    ).rejects.toSatisfy((error) => isLimitedCartError(error, 'VALIDATION'));
  });
});

describe('expireHolds', () => {
  it('ends EXPIRED the lapsed orders that have no saga, and releases their stock', async () => {
    const clock = manualClock();
    const deps = memoryPorts({ clock });
    const order = await placeWithoutSaga(deps, 'c1', 2);

    expect(await expireHolds(deps)).toEqual({ released: [], expired: [] });
    clock.advance(10 * 60_000 + 1);
    const result = await expireHolds(deps);

    expect(result).toEqual({ released: [order.id], expired: [order.id] });
    expect(await deps.orders.get(order.id)).toMatchObject({ status: 'EXPIRED' });
    expect(await deps.stockGate.snapshot(order.sku)).toMatchObject({ held: 0, available: 5 });
    await expectStockInvariant(deps, order.sku);
    expect(await expireHolds(deps)).toEqual({ released: [], expired: [] });
  });

  it('leaves orders with a running saga to the saga', async () => {
    const clock = manualClock();
    const deps = memoryPorts({ clock });
    const product = await seedProduct(deps, { stock: 2 });
    const placed = await placeOrder(deps, { customerId: 'c1', productId: product.id, quantity: 1 });
    if (placed.ok) await startSaga(deps, placed.order);
    if (!placed.ok) throw new Error('not placed');
    await waitForStatus(deps, placed.order.id, 'PAYMENT_PENDING');

    clock.advance(10 * 60_000 + 1);
    const result = await expireHolds(deps);

    expect(result).toEqual({ released: [placed.order.id], expired: [] });
    expect(await deps.orders.get(placed.order.id)).toMatchObject({ status: 'PAYMENT_PENDING' });
  });

  it('goes on with the other orders when the saga engine cannot say about one (it is down), and ends that one later', async () => {
    const clock = manualClock();
    const deps = memoryPorts({ clock });
    const first = await placeWithoutSaga(deps, 'c1');
    const second = await placeWithoutSaga(deps, 'c2');
    let down = true;
    const describe = deps.sagaRunner.describe.bind(deps.sagaRunner);
    const sagaRunner = Object.assign(Object.create(deps.sagaRunner) as typeof deps.sagaRunner, {
      describe: async (orderId: string) => {
        if (down && orderId === first.id) throw new Error('temporal: describing failed: 14 UNAVAILABLE');
        return describe(orderId);
      },
    });
    clock.advance(10 * 60_000 + 1);

    const during = await expireHolds({ ...deps, sagaRunner });
    expect([...during.released].sort()).toEqual([first.id, second.id].sort());
    expect(during.expired).toEqual([second.id]);
    expect(await deps.orders.get(first.id)).toMatchObject({ status: 'PENDING' });

    down = false;
    expect(await expireHolds({ ...deps, sagaRunner })).toEqual({ released: [], expired: [first.id] });
    expect(await deps.orders.get(first.id)).toMatchObject({ status: 'EXPIRED' });
  });

  it('also ends stale PENDING orders whose hold an earlier sweep released', async () => {
    const clock = manualClock();
    const deps = memoryPorts({ clock });
    const order = await placeWithoutSaga(deps, 'c1');
    clock.advance(10 * 60_000 + 1);
    // A sweep that released the hold and crashed before ending the order.
    expect(await deps.stockGate.expire()).toEqual([order.id]);

    expect(await expireHolds(deps)).toEqual({ released: [], expired: [order.id] });
    expect(await deps.orders.get(order.id)).toMatchObject({ status: 'EXPIRED' });
  });

  it("decides nothing on the sweeping process's clock: a worker running ahead ends no live order", async () => {
    // The gate keeps its own clock (the database's, in production); the worker's runs two minutes ahead.
    const gateClock = manualClock();
    const workerClock = manualClock();
    const deps = memoryPorts({ clock: workerClock, overrides: { stockGate: createMemoryStockGate({ clock: gateClock }) } });
    const pending = await placeWithoutSaga(deps, 'c1');
    workerClock.advance(10 * 60_000 + 120_000);

    expect(await expireHolds(deps)).toEqual({ released: [], expired: [] });
    expect(await deps.orders.get(pending.id)).toMatchObject({ status: 'PENDING' });
    expect(await deps.stockGate.holdState(pending.id)).toBe('HELD');

    gateClock.advance(10 * 60_000 + 1);
    expect(await expireHolds(deps)).toEqual({ released: [pending.id], expired: [pending.id] });
  });
});

/** What the engine's head start or `order.placed` subscriber would do once the order committed. */
async function startSaga(deps: CorePorts, order: Order): Promise<void> {
  await deps.sagaRunner.start({ orderId: order.id, paymentDeadline: order.holdUntil.toISOString() });
}
