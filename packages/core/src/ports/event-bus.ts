import type { DomainEvent } from '../domain/events.js';

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface Subscription {
  /** Stops delivery to this handler; in-flight handlers finish first. */
  unsubscribe(): Promise<void>;
}

/**
 * The notification port. Delivery is at-least-once per consumer group; within a group each event goes to
 * one member; a handler that throws gets the event again later. Handlers deduplicate by event id
 * (see `onceper-event.ts`).
 *
 * Producers do not call `publish` in the order flow: they append to the outbox inside their transaction and
 * a relay calls `publish`. Buses whose transport *is* the outbox (Postgres) implement publish as an append.
 */
export interface EventBus {
  publish(events: readonly DomainEvent[]): Promise<void>;
  subscribe(topic: string, group: string, handler: EventHandler): Promise<Subscription>;
}
