import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../src/domain/events.js';
import { TOPICS } from '../src/domain/events.js';
import { newId } from '../src/domain/ids.js';
import { money } from '../src/domain/money.js';
import type { Order } from '../src/domain/order.js';
import { EVENT_TYPES, orderPlacedEvent, orderProgressEvent, productChangedEvent } from '../src/events/builders.js';
import { oncePerEvent } from '../src/events/once-per-event.js';
import { createOutboxRelay } from '../src/events/outbox-relay.js';
import { createMemoryEventBus, type MemoryEventBus } from '../src/memory/event-bus.js';
import { createMemoryStores, MemoryProcessedEventStore } from '../src/memory/stores/index.js';
import type { EventBus } from '../src/ports/event-bus.js';
import type { OutboxStore } from '../src/ports/stores.js';
import { waitFor } from '../src/testing/wait-for.js';

const event = (n: number, aggregateId: string = newId()): DomainEvent => ({
  id: newId(),
  topic: 'relay-test',
  type: 'test.event',
  aggregateId,
  payload: { n },
  occurredAt: new Date().toISOString(),
});

const buses: MemoryEventBus[] = [];
const newBus = (): MemoryEventBus => {
  const bus = createMemoryEventBus({ retryDelayMs: 5 });
  buses.push(bus);
  return bus;
};
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()));
});

const collect = async (bus: EventBus, group = 'g'): Promise<DomainEvent[]> => {
  const seen: DomainEvent[] = [];
  await bus.subscribe('relay-test', group, async (e) => void seen.push(e));
  return seen;
};

describe('outbox relay', () => {
  it('drainOnce ships every unshipped row in position order and marks it shipped', async () => {
    const { outbox } = createMemoryStores();
    const bus = newBus();
    const seen = await collect(bus);
    const aggregateId = newId();
    const events = Array.from({ length: 7 }, (_, n) => event(n, aggregateId));
    await outbox.append(events.slice(0, 3));
    await outbox.append(events.slice(3));
    const relay = createOutboxRelay({ outbox, bus, batchSize: 2, leaseMs: 60_000, intervalMs: 10 });

    expect(await relay.drainOnce()).toBe(7);
    await waitFor(() => seen.length === 7);
    expect(seen.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(await outbox.claimUnshipped(100, 1)).toEqual([]);
    expect(await relay.drainOnce()).toBe(0);
  });

  it('a unit of work that rolls back ships nothing', async () => {
    const { outbox, unitOfWork } = createMemoryStores();
    const bus = newBus();
    const relay = createOutboxRelay({ outbox, bus, batchSize: 10, leaseMs: 60_000, intervalMs: 10 });
    await expect(
      unitOfWork.run(async (tx) => {
        await tx.outbox.append([event(1)]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await relay.drainOnce()).toBe(0);
  });

  it('keeps a batch whose publish failed and publishes it before anything newer', async () => {
    const { outbox } = createMemoryStores();
    const bus = newBus();
    const seen = await collect(bus);
    let failNext = true;
    const flaky: EventBus = {
      publish: async (events) => {
        if (failNext) {
          failNext = false;
          throw new Error('transport down');
        }
        await bus.publish(events);
      },
      subscribe: (topic, group, handler) => bus.subscribe(topic, group, handler),
    };
    const aggregateId = newId();
    const first = event(1, aggregateId);
    const second = event(2, aggregateId);
    await outbox.append([first]);
    const relay = createOutboxRelay({ outbox, bus: flaky, batchSize: 10, leaseMs: 60_000, intervalMs: 10 });
    await expect(relay.drainOnce()).rejects.toThrow('transport down');
    await outbox.append([second]);
    expect(await relay.drainOnce()).toBe(2);
    await waitFor(() => seen.length === 2);
    expect(seen.map((e) => e.id)).toEqual([first.id, second.id]);
  });

  it('republishes rows whose relay died between publish and markShipped (at-least-once)', async () => {
    const { outbox } = createMemoryStores();
    const bus = newBus();
    const seen = await collect(bus);
    const lost = event(1);
    await outbox.append([lost]);
    // A relay that publishes and then dies before acknowledging.
    const dying: OutboxStore = {
      append: (events) => outbox.append(events),
      claimUnshipped: (limit, leaseMs) => outbox.claimUnshipped(limit, leaseMs),
      markShipped: () => Promise.reject(new Error('crashed')),
    };
    const crashed = createOutboxRelay({ outbox: dying, bus, batchSize: 10, leaseMs: 50, intervalMs: 10 });
    await expect(crashed.drainOnce()).rejects.toThrow('crashed');

    const survivor = createOutboxRelay({ outbox, bus, batchSize: 10, leaseMs: 60_000, intervalMs: 10 });
    await waitFor(async () => (await survivor.drainOnce()) === 1, { message: 'the lease to lapse' });
    await waitFor(() => seen.length === 2);
    expect(seen.map((e) => e.id)).toEqual([lost.id, lost.id]);
  });

  it('start polls in the background, wake cuts the pause short, stop ends polling', async () => {
    const { outbox } = createMemoryStores();
    const bus = newBus();
    const seen = await collect(bus);
    const relay = createOutboxRelay({ outbox, bus, batchSize: 10, leaseMs: 60_000, intervalMs: 60_000 });
    relay.start();
    relay.start();
    const first = event(1);
    await outbox.append([first]);
    relay.wake();
    await waitFor(() => seen.some((e) => e.id === first.id), { message: 'the woken relay to ship' });
    await relay.stop();
    const afterStop = event(2);
    await outbox.append([afterStop]);
    relay.wake();
    // Still unshipped: nothing polls any more.
    expect((await outbox.claimUnshipped(10, 1)).map((record) => record.event.id)).toEqual([afterStop.id]);
  });

  it('two relays on one outbox ship every event, each exactly once without faults', async () => {
    const { outbox } = createMemoryStores();
    const bus = newBus();
    const seen = await collect(bus);
    const events = Array.from({ length: 50 }, (_, n) => event(n));
    await outbox.append(events);
    const relays = [1, 2].map(() => createOutboxRelay({ outbox, bus, batchSize: 3, leaseMs: 60_000, intervalMs: 5 }));
    for (const relay of relays) relay.start();
    await waitFor(() => seen.length >= 50);
    await Promise.all(relays.map((relay) => relay.stop()));
    expect(seen.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('rejects nonsensical settings', () => {
    const { outbox } = createMemoryStores();
    const bus = newBus();
    expect(() => createOutboxRelay({ outbox, bus, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => createOutboxRelay({ outbox, bus, leaseMs: 0 })).toThrow(/leaseMs/);
  });
});

describe('oncePerEvent', () => {
  it('runs the handler once per event id and group', async () => {
    const processed = new MemoryProcessedEventStore();
    const handled: string[] = [];
    const handler = oncePerEvent(processed, 'g', async (e) => void handled.push(e.id));
    const other = oncePerEvent(processed, 'other', async (e) => void handled.push(`other:${e.id}`));
    const e = event(1);
    await Promise.all([handler(e), handler(e), handler({ ...e })]);
    await other(e);
    expect(handled).toEqual([e.id, `other:${e.id}`]);
  });

  it('unmarks when the handler throws, so a redelivery runs it again', async () => {
    const processed = new MemoryProcessedEventStore();
    let calls = 0;
    const handler = oncePerEvent(processed, 'g', async () => {
      calls += 1;
      if (calls === 1) throw new Error('first attempt fails');
    });
    const e = event(1);
    await expect(handler(e)).rejects.toThrow('first attempt fails');
    await handler(e);
    await handler(e);
    expect(calls).toBe(2);
  });

  it('with the bus, a twice-published event acts once', async () => {
    const bus = newBus();
    const processed = new MemoryProcessedEventStore();
    const raw: string[] = [];
    const effects: string[] = [];
    const handler = oncePerEvent(processed, 'g', async (e) => void effects.push(e.id));
    await bus.subscribe('relay-test', 'g', async (e) => {
      raw.push(e.id);
      await handler(e);
    });
    const e = event(1);
    await bus.publish([e]);
    await bus.publish([e]);
    await waitFor(() => raw.length === 2);
    expect(effects).toEqual([e.id]);
  });
});

describe('event builders', () => {
  const order: Order = {
    id: newId(),
    customerId: newId(),
    productId: newId(),
    sku: 'sku-1',
    quantity: 2,
    unitPrice: money(500),
    total: money(1_000),
    status: 'CANCELLED',
    statusReason: 'changed my mind',
    holdUntil: new Date('2030-01-01T00:10:00Z'),
    createdAt: new Date('2030-01-01T00:00:00Z'),
    updatedAt: new Date('2030-01-01T00:05:00Z'),
  };

  it('orderPlacedEvent describes the placed order', () => {
    const placed = orderPlacedEvent(order, order.createdAt);
    expect(placed).toMatchObject({
      topic: TOPICS.orders,
      type: EVENT_TYPES.orderPlaced,
      aggregateId: order.id,
      occurredAt: '2030-01-01T00:00:00.000Z',
      payload: { orderId: order.id, customerId: order.customerId, sku: 'sku-1', quantity: 2, holdUntil: '2030-01-01T00:10:00.000Z' },
    });
    expect(placed.id).not.toBe(orderPlacedEvent(order, order.createdAt).id);
  });

  it('orderProgressEvent carries the status and reason', () => {
    const progress = orderProgressEvent(order);
    expect(progress).toMatchObject({
      topic: TOPICS.orders,
      type: EVENT_TYPES.orderProgress,
      aggregateId: order.id,
      occurredAt: '2030-01-01T00:05:00.000Z',
      payload: { orderId: order.id, customerId: order.customerId, status: 'CANCELLED', reason: 'changed my mind' },
    });
    expect(orderProgressEvent(order, new Date('2031-01-01T00:00:00Z')).occurredAt).toBe('2031-01-01T00:00:00.000Z');
  });

  it('productChangedEvent is keyed by the product', () => {
    const productId = newId();
    const at = new Date('2030-02-02T00:00:00Z');
    expect(productChangedEvent(productId, 'restocked', at)).toMatchObject({
      topic: TOPICS.products,
      type: EVENT_TYPES.productChanged,
      aggregateId: productId,
      payload: { productId, change: 'restocked' },
      occurredAt: at.toISOString(),
    });
  });
});
