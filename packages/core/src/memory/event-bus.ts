import { LimitedCartError, validationError } from '../domain/errors.js';
import type { DomainEvent } from '../domain/events.js';
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from '../ports/event-bus.js';
import type { Logger } from '../ports/small-ports.js';

export interface MemoryEventBusOptions {
  /** Delay before the first redelivery of an event whose handler threw; doubles per attempt. Default 20 ms. */
  readonly retryDelayMs?: number;
  /** Upper bound of the redelivery delay. Default 1 s. */
  readonly maxRetryDelayMs?: number;
  /**
   * Where a consumer group that subscribes for the first time starts, unless its `subscribe` says otherwise:
   * `earliest` (default) receives every event the topic still retains, `latest` only events published after it
   * joined.
   */
  readonly newGroupsStartAt?: 'earliest' | 'latest';
  /** Events each topic keeps for groups that join later. Default 10 000. */
  readonly retainedEventsPerTopic?: number;
  readonly logger?: Logger;
}

/** The in-memory `EventBus`, plus `close()`. */
export interface MemoryEventBus extends EventBus {
  /** Stops all delivery, cancels pending redeliveries and waits for in-flight handlers. */
  close(): Promise<void>;
}

interface Member {
  readonly handler: EventHandler;
  readonly inFlight: Set<Promise<boolean>>;
}

interface BusRuntime {
  readonly options: Required<Omit<MemoryEventBusOptions, 'logger'>> & { readonly logger?: Logger };
  isClosed(): boolean;
  /** Resolves after `ms`, or at once when the bus closes. */
  delay(ms: number): Promise<void>;
}

/**
 * One consumer group of one topic. Events queue per aggregate ("lanes"): a lane delivers one event at a
 * time and only moves on once its handler succeeded, so an aggregate's events are handled in publish order
 * even across redeliveries, while different aggregates proceed concurrently. Each delivery goes to the next
 * member in turn (round-robin). A group outlives its members: events keep queueing while it has none, like
 * a Kafka group's lag, and are delivered when a member subscribes again.
 */
class ConsumerGroup {
  readonly #runtime: BusRuntime;
  readonly #topic: string;
  readonly #name: string;
  readonly #members: Member[] = [];
  #nextMember = 0;
  readonly #lanes = new Map<string, DomainEvent[]>();
  readonly #draining = new Set<string>();

  constructor(runtime: BusRuntime, topic: string, name: string) {
    this.#runtime = runtime;
    this.#topic = topic;
    this.#name = name;
  }

  get members(): readonly Member[] {
    return this.#members;
  }

  enqueue(event: DomainEvent): void {
    const lane = this.#lanes.get(event.aggregateId);
    if (lane) lane.push(event);
    else this.#lanes.set(event.aggregateId, [event]);
    this.#drain(event.aggregateId);
  }

  join(member: Member): void {
    this.#members.push(member);
    for (const aggregateId of this.#lanes.keys()) this.#drain(aggregateId);
  }

  leave(member: Member): void {
    const index = this.#members.indexOf(member);
    if (index >= 0) this.#members.splice(index, 1);
  }

  #pickMember(): Member | undefined {
    if (this.#members.length === 0) return undefined;
    const member = this.#members[this.#nextMember % this.#members.length];
    this.#nextMember = (this.#nextMember + 1) % this.#members.length;
    return member;
  }

  #drain(aggregateId: string): void {
    if (this.#draining.has(aggregateId) || this.#members.length === 0 || this.#runtime.isClosed()) return;
    this.#draining.add(aggregateId);
    void this.#runLane(aggregateId).finally(() => this.#draining.delete(aggregateId));
  }

  async #runLane(aggregateId: string): Promise<void> {
    let attempt = 0;
    for (;;) {
      if (this.#runtime.isClosed()) return;
      const lane = this.#lanes.get(aggregateId);
      const event = lane?.[0];
      if (!lane || !event) {
        this.#lanes.delete(aggregateId);
        return;
      }
      // No member: stop; `join` restarts the lane.
      const member = this.#pickMember();
      if (!member) return;
      if (await this.#deliver(member, event)) {
        lane.shift();
        attempt = 0;
        continue;
      }
      attempt += 1;
      const { retryDelayMs, maxRetryDelayMs } = this.#runtime.options;
      await this.#runtime.delay(Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (attempt - 1)));
    }
  }

  #deliver(member: Member, event: DomainEvent): Promise<boolean> {
    const delivery = (async () => {
      try {
        // Each delivery gets its own copy: a handler cannot change what other groups or retries see.
        await member.handler(structuredClone(event));
        return true;
      } catch (error) {
        this.#runtime.options.logger?.warn('event handler failed; the event will be redelivered', {
          topic: this.#topic,
          group: this.#name,
          eventId: event.id,
          error,
        });
        return false;
      }
    })();
    member.inFlight.add(delivery);
    void delivery.finally(() => member.inFlight.delete(delivery));
    return delivery;
  }
}

interface Topic {
  readonly retained: DomainEvent[];
  readonly groups: Map<string, ConsumerGroup>;
}

const requireName = (value: string, what: string): string => {
  if (typeof value !== 'string' || value === '') throw validationError(`${what} must be a non-empty string`);
  return value;
};

/**
 * An in-process `EventBus` with Kafka-like semantics: every consumer group receives every event of its
 * topic; within a group each event goes to one member; a handler that throws gets the event again after a
 * backoff (at-least-once, unbounded retries); events of one aggregate are handled in publish order within a
 * group. A group created by its first `subscribe` starts from the earliest retained event by default
 * (`newGroupsStartAt`). Nothing survives the process.
 */
export function createMemoryEventBus(options: MemoryEventBusOptions = {}): MemoryEventBus {
  const settings = {
    retryDelayMs: options.retryDelayMs ?? 20,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 1_000,
    newGroupsStartAt: options.newGroupsStartAt ?? 'earliest',
    retainedEventsPerTopic: options.retainedEventsPerTopic ?? 10_000,
    logger: options.logger,
  } as const;
  const topics = new Map<string, Topic>();
  const pendingDelays = new Map<ReturnType<typeof setTimeout>, () => void>();
  let closed = false;

  const runtime: BusRuntime = {
    options: settings,
    isClosed: () => closed,
    delay: (ms) =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        const timer = setTimeout(() => {
          pendingDelays.delete(timer);
          resolve();
        }, ms);
        pendingDelays.set(timer, resolve);
      }),
  };

  const topicOf = (name: string): Topic => {
    let topic = topics.get(name);
    if (!topic) {
      topic = { retained: [], groups: new Map() };
      topics.set(name, topic);
    }
    return topic;
  };

  const ensureOpen = (): void => {
    if (closed) throw new LimitedCartError('INFRASTRUCTURE', 'the event bus is closed');
  };

  const allMembers = (): Member[] =>
    [...topics.values()].flatMap((topic) => [...topic.groups.values()].flatMap((group) => [...group.members]));

  return {
    async publish(events) {
      ensureOpen();
      for (const event of events) {
        requireName(event.id, 'event id');
        requireName(event.topic, 'event topic');
        requireName(event.aggregateId, 'event aggregateId');
      }
      for (const original of events) {
        const event = structuredClone(original);
        const topic = topicOf(event.topic);
        topic.retained.push(event);
        if (topic.retained.length > settings.retainedEventsPerTopic) topic.retained.shift();
        for (const group of topic.groups.values()) group.enqueue(event);
      }
    },

    async subscribe(topicName, groupName, handler, subscribeOptions: SubscribeOptions = {}): Promise<Subscription> {
      ensureOpen();
      const topic = topicOf(requireName(topicName, 'topic'));
      let group = topic.groups.get(requireName(groupName, 'group'));
      if (!group) {
        group = new ConsumerGroup(runtime, topicName, groupName);
        topic.groups.set(groupName, group);
        const startAt = subscribeOptions.startAt ?? settings.newGroupsStartAt;
        if (startAt === 'earliest') for (const event of topic.retained) group.enqueue(event);
      }
      const member: Member = { handler, inFlight: new Set() };
      group.join(member);
      const joined = group;
      let left = false;
      return {
        async unsubscribe() {
          if (!left) {
            left = true;
            joined.leave(member);
            if (subscribeOptions.ephemeral && joined.members.length === 0) topic.groups.delete(groupName);
          }
          await Promise.allSettled([...member.inFlight]);
        },
      };
    },

    async close() {
      closed = true;
      for (const [timer, resolve] of pendingDelays) {
        clearTimeout(timer);
        resolve();
      }
      pendingDelays.clear();
      await Promise.allSettled(allMembers().flatMap((member) => [...member.inFlight]));
    },
  };
}
