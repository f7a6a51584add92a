import type { DomainEvent } from '@limitedcart/core';

export interface Notification {
  /** The domain event id: stable across replicas, so `Last-Event-ID` works whichever replica answers. */
  readonly id: string;
  readonly event: string;
  readonly data: Record<string, unknown>;
  /**
   * Only the latest notification with this key matters (a queue position, say): queuing or retaining it drops an
   * earlier one with the same key that was not sent yet, or is retained for replay. Without it, every one counts.
   */
  readonly supersedes?: string;
}

export type NotificationListener = (notification: Notification) => void;

export interface NotificationHub {
  /** Feeds an event from the bus; events without a customerId are ignored; duplicates (same id) are dropped. */
  publish(event: DomainEvent): void;
  /** Sends (and retains for replay) one notification to a customer; a duplicate id is dropped. */
  notify(customerId: string, notification: Notification): void;
  /** Customers with a stream open on this hub. */
  connectedCustomers(): IterableIterator<string>;
  /**
   * Subscribes a customer's stream. With `lastEventId`, first replays what the customer missed after that id;
   * if the id is unknown here, everything retained for the customer is replayed (clients dedupe by id).
   */
  subscribe(customerId: string, listener: NotificationListener, lastEventId?: string | null): () => void;
  connections(): number;
}

/**
 * Fan-out of `order.progress` events and waiting-room notices to connected shoppers. Every server replica runs its own hub fed by its
 * own event-bus consumer group, so each replica sees every event and a shopper may connect to any of them.
 * Retained history is bounded per customer.
 */
export function createNotificationHub({ retainPerCustomer = 100, maxCustomers = 100_000 } = {}): NotificationHub {
  const history = new Map<string, Notification[]>();
  const listeners = new Map<string, Set<NotificationListener>>();
  let connected = 0;

  const notify = (customerId: string, notification: Notification): void => {
      let retained = history.get(customerId);
      if (retained?.some((n) => n.id === notification.id)) return;
      if (!retained) {
        if (history.size >= maxCustomers) history.delete(history.keys().next().value!);
        retained = [];
        history.set(customerId, retained);
      }
      if (notification.supersedes !== undefined) {
        // A flood of positions must not push a shopper's admission out of the bounded history.
        const earlier = retained.findIndex((n) => n.supersedes === notification.supersedes);
        if (earlier >= 0) retained.splice(earlier, 1);
      }
      retained.push(notification);
      if (retained.length > retainPerCustomer) retained.shift();
      for (const listener of listeners.get(customerId) ?? []) listener(notification);
  };

  return {
    publish(event) {
      const customerId = typeof event.payload.customerId === 'string' ? event.payload.customerId : null;
      if (!customerId) return;
      notify(customerId, { id: event.id, event: event.type, data: event.payload });
    },

    notify,

    subscribe(customerId, listener, lastEventId) {
      if (lastEventId !== undefined && lastEventId !== null) {
        const retained = history.get(customerId) ?? [];
        const from = retained.findIndex((n) => n.id === lastEventId);
        for (const notification of retained.slice(from + 1)) listener(notification);
      }
      let set = listeners.get(customerId);
      if (!set) {
        set = new Set();
        listeners.set(customerId, set);
      }
      set.add(listener);
      connected++;
      return () => {
        if (set.delete(listener)) connected--;
        if (set.size === 0) listeners.delete(customerId);
      };
    },

    connections: () => connected,
    connectedCustomers: () => listeners.keys(),
  };
}
