import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type DomainEvent, type Engine, EVENT_TYPES, type EventBus, type Subscription, TOPICS, toPricedProduct } from '@limitedcart/core';
import type { NotificationHub } from '@limitedcart/plugin-sse-notifications';

/**
 * A consumer group of this process alone: every replica must see every event (its own SSE clients, its own
 * search index), so replicas must not share a group and split the events between them.
 */
export const processGroup = (purpose: string): string =>
  `${purpose}-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;

/**
 * Feeds this process's per-replica state from the bus: `order.progress` into the SSE hub, and
 * `product.changed` into the search index and the price cache (a write on another replica must reach them).
 * Returns the unsubscribe.
 */
export async function subscribeLiveUpdates(engine: Engine, bus: EventBus, hub: NotificationHub): Promise<() => Promise<void>> {
  const { products, searchIndex, priceCache } = engine.ports;
  const refreshProduct = async (event: DomainEvent) => {
    if (event.type !== EVENT_TYPES.productChanged || typeof event.payload.productId !== 'string') return;
    // Re-read rather than trust the event: an older event then still leaves the newest state behind.
    const product = await products.get(event.payload.productId);
    if (product === null) {
      await searchIndex.remove(event.payload.productId);
      await priceCache.delete(event.payload.productId);
      return;
    }
    await searchIndex.upsert(product);
    await priceCache.set(toPricedProduct(product));
  };
  const subscriptions: Subscription[] = [
    await bus.subscribe(TOPICS.orders, processGroup('sse'), async (event) => {
      if (event.type === EVENT_TYPES.orderProgress) hub.publish(event);
    }),
    await bus.subscribe(TOPICS.products, processGroup('catalogue'), refreshProduct),
  ];
  return async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.unsubscribe()));
  };
}
