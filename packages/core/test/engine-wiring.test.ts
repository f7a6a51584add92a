import { describe, expect, it } from 'vitest';
import {
  type DomainEvent,
  definePlugin,
  type Engine,
  type EventBus,
  money,
  type Order,
  type OrderStatus,
  type SagaRunner,
  TOPICS,
} from '../src/index.js';
import { createMemoryEventBus } from '../src/memory/index.js';
import { waitFor } from '../src/testing/wait-for.js';
import { testEngine } from './engine-fixture.js';

async function stockedProduct(engine: Engine, stock: number, limit = 0) {
  const product = await engine.useCases.createProduct({
    name: 'Limited Runner',
    price: money(15_000),
    maxQuantityPerCustomer: limit,
  });
  await engine.useCases.restock({ productId: product.id, quantity: stock, opId: `seed-${product.id}` });
  return product;
}

async function place(engine: Engine, customerId: string, productId: string, quantity = 1): Promise<Order> {
  const result = await engine.useCases.placeOrder({ customerId, productId, quantity });
  if (!result.ok) throw new Error(`order rejected: ${result.reason}`);
  return result.order;
}

const statusOf = async (engine: Engine, orderId: string): Promise<OrderStatus | undefined> =>
  (await engine.ports.orders.get(orderId))?.status;

const reaches = (engine: Engine, orderId: string, status: OrderStatus) =>
  waitFor(async () => (await statusOf(engine, orderId)) === status, { message: `${orderId} → ${status}` });

async function pay(engine: Engine, order: Order): Promise<void> {
  const payment = await engine.useCases.initiatePayment({
    orderId: order.id,
    actor: { customerId: order.customerId, roles: ['USER'] },
  });
  if (!payment.ok) throw new Error(`not payable: ${payment.status}`);
  await engine.useCases.handlePaymentResult({ paymentId: payment.paymentId, outcome: 'succeeded', reference: 'ref' });
}

/** Records the order.progress statuses each order goes through, as a plugin sees them on the bus. */
function progressRecorder() {
  const seen = new Map<string, string[]>();
  const plugin = definePlugin({
    name: 'progress-recorder',
    setup(ctx) {
      ctx.subscribe(TOPICS.orders, 'test.progress', async (event: DomainEvent) => {
        if (event.type !== 'order.progress') return;
        const orderId = String(event.payload.orderId);
        seen.set(orderId, [...(seen.get(orderId) ?? []), String(event.payload.status)]);
      });
    },
  });
  return { plugin, statuses: (orderId: string) => seen.get(orderId) ?? [] };
}

describe('engine wiring (in memory)', () => {
  it('runs an order from placement through payment to CONFIRMED, announcing every step', async () => {
    const recorder = progressRecorder();
    const engine = testEngine({ plugins: [recorder.plugin] });
    await engine.start();
    const product = await stockedProduct(engine, 5);

    const order = await place(engine, 'shopper-1', product.id, 2);
    expect(order.status).toBe('PENDING');
    await reaches(engine, order.id, 'PAYMENT_PENDING');
    await pay(engine, order);
    await reaches(engine, order.id, 'CONFIRMED');

    await waitFor(() => recorder.statuses(order.id).includes('CONFIRMED'), { message: 'progress events' });
    expect(recorder.statuses(order.id)).toEqual(['PAYMENT_PENDING', 'CONFIRMED']);
    expect(await engine.ports.stockGate.snapshot(product.sku)).toMatchObject({
      available: 3,
      held: 0,
      sold: 2,
      restockedTotal: 5,
    });
    expect(await engine.ports.sagaRunner.describe(order.id)).toMatchObject({ status: 'COMPLETED', outcome: 'CONFIRMED' });
  });

  it('starts sagas from order.placed through the outbox relay alone, without a head start', async () => {
    const engine = testEngine({ config: { sagaHeadStarts: 0 } });
    await engine.start();
    const product = await stockedProduct(engine, 1);
    const order = await place(engine, 'shopper-1', product.id);
    await reaches(engine, order.id, 'PAYMENT_PENDING');
    expect(await engine.ports.sagaRunner.describe(order.id)).toMatchObject({ status: 'RUNNING' });
  });

  it('cancels an order and returns its stock', async () => {
    const engine = testEngine();
    await engine.start();
    const product = await stockedProduct(engine, 2);
    const order = await place(engine, 'shopper-1', product.id, 2);
    await reaches(engine, order.id, 'PAYMENT_PENDING');

    const result = await engine.useCases.cancelOrder({
      orderId: order.id,
      actor: { customerId: 'shopper-1', roles: ['USER'] },
    });

    expect(result.ok).toBe(true);
    await reaches(engine, order.id, 'CANCELLED');
    expect(await engine.ports.stockGate.snapshot(product.sku)).toMatchObject({ available: 2, held: 0 });
  });

  it('expires an unpaid order at its payment deadline and returns its stock', async () => {
    const engine = testEngine({ config: { paymentWindowMs: 150 } });
    await engine.start();
    const product = await stockedProduct(engine, 1);
    const order = await place(engine, 'shopper-1', product.id);

    await reaches(engine, order.id, 'EXPIRED');
    expect(await engine.ports.stockGate.snapshot(product.sku)).toMatchObject({ available: 1, held: 0, sold: 0 });
  });

  it('ends an order whose saga vanished through the expiry sweep: no zombie reservation', async () => {
    // A runner that accepts starts and forgets them, like a worker whose queue was lost.
    const forgetful: SagaRunner = {
      start: async () => ({ started: true }),
      signal: async () => ({ delivered: false }),
      describe: async () => null,
    };
    const engine = testEngine({
      adapters: { sagaRunner: forgetful },
      config: { paymentWindowMs: 100, sweepIntervalMs: 20 },
    });
    await engine.start();
    const product = await stockedProduct(engine, 3);
    const order = await place(engine, 'shopper-1', product.id, 3);

    await reaches(engine, order.id, 'EXPIRED');
    expect(await engine.ports.stockGate.snapshot(product.sku)).toMatchObject({ available: 3, held: 0 });
    expect(await engine.ports.stockGate.holdState(order.id)).toBe('RELEASED');
  });

  it('keeps the stock invariant through a drop: every order ends once, nothing oversold', async () => {
    const engine = testEngine({ config: { paymentWindowMs: 3_000, sweepIntervalMs: 100 } });
    await engine.start();
    const product = await stockedProduct(engine, 5, 1);

    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        engine.useCases.placeOrder({ customerId: `shopper-${i % 25}`, productId: product.id, quantity: 1 }),
      ),
    );
    const placed = attempts.flatMap((attempt) => (attempt.ok ? [attempt.order] : []));
    const rejections = attempts.flatMap((attempt) => (attempt.ok ? [] : [attempt.reason]));
    expect(placed).toHaveLength(5);
    expect(rejections.every((reason) => reason === 'SOLD_OUT' || reason === 'LIMIT_EXCEEDED')).toBe(true);
    // Five customers try twice; the limit of one unit each holds under the race.
    expect(new Set(placed.map((order) => order.customerId)).size).toBe(5);

    const [paid1, paid2, paid3, cancelled] = placed as [Order, Order, Order, Order, Order];
    for (const order of placed) await reaches(engine, order.id, 'PAYMENT_PENDING');
    await Promise.all([pay(engine, paid1), pay(engine, paid2), pay(engine, paid3)]);
    await engine.useCases.cancelOrder({ orderId: cancelled.id, actor: { customerId: 'admin', roles: ['ADMIN'] } });

    const finals = await waitFor(
      async () => {
        const statuses = await Promise.all(placed.map((order) => statusOf(engine, order.id)));
        return statuses.every((status) => ['CONFIRMED', 'CANCELLED', 'EXPIRED'].includes(status ?? ''))
          ? statuses
          : null;
      },
      { message: 'every order to end' },
    );
    expect(finals).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CANCELLED', 'EXPIRED']);
    const snapshot = await engine.ports.stockGate.snapshot(product.sku);
    expect(snapshot).toMatchObject({ available: 2, held: 0, sold: 3, restockedTotal: 5 });
    expect(snapshot!.available + snapshot!.held + snapshot!.sold).toBe(snapshot!.restockedTotal);
    expect(await engine.useCases.getStockSummary([product.id])).toEqual([
      expect.objectContaining({ available: 2, held: 0, sold: 3 }),
    ]);
  });
});

describe('engine roles', () => {
  /** A memory bus that records which groups subscribed. */
  function recordingBus() {
    const groups: string[] = [];
    const inner = createMemoryEventBus();
    const bus: EventBus & { close(): Promise<void> } = {
      publish: (events) => inner.publish(events),
      subscribe: (topic, group, handler, options) => {
        groups.push(`${topic}/${group}`);
        return inner.subscribe(topic, group, handler, options);
      },
      close: () => inner.close(),
    };
    return { bus, groups };
  }

  it('an api-only process serves use cases, indexes search and follows the catalogue, but neither starts sagas nor relays', async () => {
    const { bus, groups } = recordingBus();
    const engine = testEngine({ adapters: { eventBus: bus }, config: { roles: ['api'] } });
    let claims = 0;
    const outbox = engine.ports.outbox;
    const claim = outbox.claimUnshipped.bind(outbox);
    outbox.claimUnshipped = (...args) => {
      claims += 1;
      return claim(...args);
    };
    const product = await engine.ports.products.create({
      name: 'Persisted Before Start',
      description: '',
      price: money(100),
      maxQuantityPerCustomer: 0,
      active: true,
    });

    await engine.start();

    // Its only subscription is its own copy of the catalogue: a group of this process alone.
    expect(groups).toEqual([expect.stringMatching(/^products\/limitedcart\.catalogue-/)]);
    expect(claims).toBe(0);
    expect(await engine.ports.searchIndex.search('persisted', 5)).toEqual([
      expect.objectContaining({ productId: product.id }),
    ]);
  });

  it('a worker subscribes the saga starter; a relay process relays unless the bus reads the outbox itself', async () => {
    const worker = recordingBus();
    const engine = testEngine({ adapters: { eventBus: worker.bus }, config: { roles: ['worker'] } });
    await engine.start();
    expect(worker.groups).toEqual(['orders/limitedcart.saga-starter']);

    let claimed = false;
    const relaying = testEngine({ config: { roles: ['relay'] } });
    const claim = relaying.ports.outbox.claimUnshipped.bind(relaying.ports.outbox);
    relaying.ports.outbox.claimUnshipped = (...args) => {
      claimed = true;
      return claim(...args);
    };
    await relaying.start();
    expect(claimed).toBe(true);

    let claimedWithoutFlag = false;
    const readsOutbox = Object.assign(createMemoryEventBus(), { readsOutbox: true });
    const flagOff = testEngine({ adapters: { eventBus: readsOutbox }, config: { roles: ['relay'] } });
    const claimOff = flagOff.ports.outbox.claimUnshipped.bind(flagOff.ports.outbox);
    flagOff.ports.outbox.claimUnshipped = (...args) => {
      claimedWithoutFlag = true;
      return claimOff(...args);
    };
    await flagOff.start();
    expect(claimedWithoutFlag).toBe(false);
  });
});
