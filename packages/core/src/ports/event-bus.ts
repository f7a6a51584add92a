import type { DomainEvent } from '../domain/events.js';

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface Subscription {
  /** Stops delivery to this handler; in-flight handlers finish first. */
  unsubscribe(): Promise<void>;
}

export interface SubscribeOptions {
  /**
   * Where a consumer group that subscribes for the first time starts: `earliest` (default) receives every event
   * the bus still retains, `latest` only events published after it joined. A group that already has a position
   * continues from it either way. Per-process groups (a replica's own caches, its SSE clients) use `latest`.
   */
  readonly startAt?: 'earliest' | 'latest';
  /**
   * The group lives for this subscription alone: when it unsubscribes, the group's position is dropped instead of
   * kept for a member that would come back. Per-process groups use it, so process restarts leave nothing behind.
   */
  readonly ephemeral?: boolean;
}

/**
 * The notification port. Delivery is at-least-once per consumer group; within a group each event goes to
 * one member; a handler that throws gets the event again later. Handlers deduplicate by event id
 * (see `oncePerEvent`).
 *
 * Producers do not call `publish` in the order flow: they append to the outbox inside their transaction and
 * a relay calls `publish`. Buses whose transport *is* the outbox (Postgres) declare `readsOutbox` and implement
 * publish as an append; the engine then runs no relay.
 */
/** Events a subscription of this process has not handled yet, on one partition of its topic. */
export interface ConsumerLag {
  readonly topic: string;
  readonly group: string;
  readonly partition: number;
  /** Events after the group's committed position, as of the subscription's last handled batch. */
  readonly lag: number;
}

export interface EventBus {
  /** true when subscribers read the outbox itself, so nothing needs to ship outbox rows to this bus. */
  readonly readsOutbox?: boolean;
  /** Optional: how far behind each subscription of this process is, for metrics. */
  consumerLag?(): readonly ConsumerLag[];
  publish(events: readonly DomainEvent[]): Promise<void>;
  subscribe(topic: string, group: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
}
