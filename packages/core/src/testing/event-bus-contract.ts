import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { DomainEvent } from '../domain/events.js';
import { newId } from '../domain/ids.js';
import { oncePerEvent } from '../events/once-per-event.js';
import { MemoryProcessedEventStore } from '../memory/stores/processed-event-store.js';
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from '../ports/event-bus.js';
import type { ProcessedEventStore } from '../ports/stores.js';
import { type ContractOptions, describeKit, useTarget } from './store-contracts/cases.js';
import { waitFor } from './wait-for.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const EVENT_BUS_CASES = [
  'bus: every group receives every event, once without faults',
  'bus: members of one group share the events, each event to exactly one member',
  'bus: a handler that throws gets the event again',
  'bus: oncePerEvent acts once per event id when the event is delivered twice',
  'bus: events of one aggregate are handled in publish order within a group',
  'bus: a failing event holds back later events of its aggregate',
  'bus: unsubscribe waits for in-flight handlers and stops delivery',
  'bus: a new group starting at the latest event misses what came before; a kept group resumes where it stopped',
  'bus: an ephemeral group is dropped on unsubscribe: the same name joins afresh',
] as const;

export type EventBusCase = (typeof EVENT_BUS_CASES)[number];

/** What the event-bus kit runs against. */
export interface EventBusKitTarget {
  readonly bus: EventBus;
  /**
   * The processed-event store `oncePerEvent` uses in the dedup case; an in-memory one when absent. Give the
   * backend's own store to prove the pair together.
   */
  readonly processedEvents?: ProcessedEventStore;
  close(): Promise<void>;
}

export type MakeEventBus = () => Promise<EventBusKitTarget>;

/** Waits are long: a Kafka consumer group can take several seconds to join. */
const WAIT_MS = 60_000;
const CASE_TIMEOUT_MS = 120_000;

/** A topic or group name no other test uses; safe for Kafka topic names and Postgres channel payloads. */
const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().replaceAll('-', '').slice(0, 16)}`;

const kitEvent = (topic: string, aggregateId: string, n: number): DomainEvent => ({
  id: newId(),
  topic,
  type: 'kit.event',
  aggregateId,
  payload: { n },
  occurredAt: new Date().toISOString(),
});

/** Handled events in completion order, with how often each id was handled. */
class Deliveries {
  readonly handled: DomainEvent[] = [];
  count(eventId: string): number {
    return this.handled.filter((event) => event.id === eventId).length;
  }
  ids(): Set<string> {
    return new Set(this.handled.map((event) => event.id));
  }
  hasAll(events: readonly DomainEvent[]): boolean {
    const ids = this.ids();
    return events.every((event) => ids.has(event.id));
  }
  recorder(): EventHandler {
    return async (event) => {
      this.handled.push(event);
    };
  }
}

/** Lets other callbacks run; a broken implementation gets the chance to show itself. */
const yieldToLoop = async (turns: number): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/**
 * The EventBus conformance kit. `make` runs once for the block; every case uses its own topic and groups.
 * Events are published after `subscribe` resolved, so a bus whose new groups start at the latest offset
 * passes too. Cases assert at-least-once delivery, and exactly-once only where no fault was injected.
 */
export function describeEventBusContract(name: string, make: MakeEventBus, options?: ContractOptions<EventBusCase>): void {
  describeKit(EVENT_BUS_CASES, `EventBus contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    const subscriptions: Subscription[] = [];
    const subscribe = async (topic: string, group: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription> => {
      const subscription = await target().bus.subscribe(topic, group, handler, options);
      subscriptions.push(subscription);
      return subscription;
    };
    const unsubscribeAll = async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.unsubscribe()));
    };

    registry.case(
      'bus: every group receives every event, once without faults',
      async () => {
        const topic = uniqueName('kit-topic');
        const groups = [new Deliveries(), new Deliveries()];
        await subscribe(topic, uniqueName('kit-a'), groups[0]!.recorder());
        await subscribe(topic, uniqueName('kit-b'), groups[1]!.recorder());
        const events = Array.from({ length: 10 }, (_, n) => kitEvent(topic, newId(), n));
        await target().bus.publish(events.slice(0, 5));
        for (const event of events.slice(5)) await target().bus.publish([event]);
        for (const group of groups) {
          await waitFor(() => group.hasAll(events), { timeoutMs: WAIT_MS, message: 'every group to get every event' });
          for (const event of events)
            expect(group.count(event.id), 'without faults, each group handles each event exactly once').toBe(1);
          // Events arrive as published, payload and timestamps included.
          for (const handled of group.handled)
            expect(
              handled,
              'a delivered event equals the published one (payload and timestamps included)',
            ).toEqual(events.find((event) => event.id === handled.id));
        }
        await unsubscribeAll();
      },
      CASE_TIMEOUT_MS,
    );

    registry.case(
      'bus: members of one group share the events, each event to exactly one member',
      async () => {
        const topic = uniqueName('kit-topic');
        const group = uniqueName('kit-group');
        const members = [new Deliveries(), new Deliveries()];
        await subscribe(topic, group, members[0]!.recorder());
        await subscribe(topic, group, members[1]!.recorder());
        const events = Array.from({ length: 20 }, (_, n) => kitEvent(topic, newId(), n));
        await target().bus.publish(events);
        await waitFor(() => events.every((event) => members.some((member) => member.ids().has(event.id))), {
          timeoutMs: WAIT_MS,
          message: 'the group to handle every event',
        });
        for (const event of events) {
          expect(
            members[0]!.count(event.id) + members[1]!.count(event.id),
            'within one group, each event goes to exactly one member',
          ).toBe(1);
        }
        await unsubscribeAll();
      },
      CASE_TIMEOUT_MS,
    );

    registry.case(
      'bus: a handler that throws gets the event again',
      async () => {
        const topic = uniqueName('kit-topic');
        const attempts = new Map<string, number>();
        const succeeded = new Deliveries();
        await subscribe(topic, uniqueName('kit-group'), async (event) => {
          const attempt = (attempts.get(event.id) ?? 0) + 1;
          attempts.set(event.id, attempt);
          if (attempt === 1) throw new Error('handler failure injected by the kit');
          succeeded.handled.push(event);
        });
        const event = kitEvent(topic, newId(), 1);
        await target().bus.publish([event]);
        await waitFor(() => succeeded.ids().has(event.id), { timeoutMs: WAIT_MS, message: 'the redelivery' });
        expect(attempts.get(event.id), 'a handler that threw gets the event again').toBeGreaterThanOrEqual(2);
        await unsubscribeAll();
      },
      CASE_TIMEOUT_MS,
    );

    registry.case(
      'bus: oncePerEvent acts once per event id when the event is delivered twice',
      async () => {
        const topic = uniqueName('kit-topic');
        const group = uniqueName('kit-group');
        const processed = target().processedEvents ?? new MemoryProcessedEventStore();
        const raw = new Deliveries();
        const effects = new Deliveries();
        const record = effects.recorder();
        const deduplicated = oncePerEvent(processed, group, record);
        await subscribe(topic, group, async (event) => {
          raw.handled.push(event);
          await deduplicated(event);
        });
        const aggregateId = newId();
        const twice = kitEvent(topic, aggregateId, 1);
        // Same aggregate: the marker is handled after both copies, so waiting for it waits for them.
        const marker = kitEvent(topic, aggregateId, 2);
        await target().bus.publish([twice]);
        await target().bus.publish([twice]);
        await target().bus.publish([marker]);
        await waitFor(() => effects.ids().has(marker.id), { timeoutMs: WAIT_MS, message: 'the marker event' });
        expect(raw.count(twice.id), 'the event published twice is delivered at least once').toBeGreaterThanOrEqual(1);
        expect(effects.count(twice.id), 'oncePerEvent runs its handler once for an event delivered twice').toBe(1);
        expect(effects.count(marker.id), 'oncePerEvent runs its handler once for a later event').toBe(1);
        await unsubscribeAll();
      },
      CASE_TIMEOUT_MS,
    );

    registry.case(
      'bus: events of one aggregate are handled in publish order within a group',
      async () => {
        const topic = uniqueName('kit-topic');
        const group = uniqueName('kit-group');
        const order: DomainEvent[] = [];
        const handler: EventHandler = async (event) => {
          // Uneven handler times: a bus that ran one aggregate's events concurrently would reorder them.
          await yieldToLoop(Math.floor(Math.random() * 4));
          order.push(event);
        };
        await subscribe(topic, group, handler);
        await subscribe(topic, group, handler);
        const aggregates = [newId(), newId(), newId()];
        const events: DomainEvent[] = [];
        for (let n = 0; n < 10; n++) for (const aggregateId of aggregates) events.push(kitEvent(topic, aggregateId, n));
        await target().bus.publish(events.slice(0, 15));
        for (const event of events.slice(15)) await target().bus.publish([event]);
        await waitFor(() => events.every((event) => order.some((seen) => seen.id === event.id)), {
          timeoutMs: WAIT_MS,
          message: 'every event',
        });
        for (const aggregateId of aggregates) {
          const firstSeen = [...new Set(order.filter((event) => event.aggregateId === aggregateId).map((event) => event.id))];
          expect(
            firstSeen,
            'events of one aggregate are handled in publish order within a group',
          ).toEqual(events.filter((event) => event.aggregateId === aggregateId).map((event) => event.id));
        }
        await unsubscribeAll();
      },
      CASE_TIMEOUT_MS,
    );

    registry.case(
      'bus: a failing event holds back later events of its aggregate',
      async () => {
        const topic = uniqueName('kit-topic');
        const aggregateId = newId();
        const events = Array.from({ length: 5 }, (_, n) => kitEvent(topic, aggregateId, n));
        const failOnce = events[1]!.id;
        let failed = false;
        const succeeded: string[] = [];
        await subscribe(topic, uniqueName('kit-group'), async (event) => {
          if (event.id === failOnce && !failed) {
            failed = true;
            throw new Error('handler failure injected by the kit');
          }
          succeeded.push(event.id);
        });
        await target().bus.publish(events);
        await waitFor(() => events.every((event) => succeeded.includes(event.id)), {
          timeoutMs: WAIT_MS,
          message: 'every event after the retry',
        });
        expect(failed, "the kit's injected failure happened").toBe(true);
        expect(
          [...new Set(succeeded)],
          'after the retry, events of the aggregate succeed in publish order (the failure held back the later ones)',
        ).toEqual(events.map((event) => event.id));
        await unsubscribeAll();
      },
      CASE_TIMEOUT_MS,
    );

    registry.case(
      'bus: unsubscribe waits for in-flight handlers and stops delivery',
      async () => {
        const topic = uniqueName('kit-topic');
        const group = uniqueName('kit-group');
        const log: string[] = [];
        let release!: () => void;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const first = new Deliveries();
        const subscription = await target().bus.subscribe(topic, group, async (event) => {
          first.handled.push(event);
          if (event.payload.n === 1) {
            log.push('handler started');
            await gate;
            log.push('handler finished');
          }
        });
        const blocking = kitEvent(topic, newId(), 1);
        await target().bus.publish([blocking]);
        await waitFor(() => log.includes('handler started'), { timeoutMs: WAIT_MS, message: 'the handler to start' });

        const unsubscribed = subscription.unsubscribe().then(() => log.push('unsubscribed'));
        await yieldToLoop(20);
        expect(log, 'unsubscribe does not resolve while a handler is still running').not.toContain('unsubscribed');
        release();
        await unsubscribed;
        expect(
          log,
          'unsubscribe resolves after the in-flight handler finished',
        ).toEqual(['handler started', 'handler finished', 'unsubscribed']);

        const second = new Deliveries();
        await subscribe(topic, group, second.recorder());
        const after = kitEvent(topic, newId(), 2);
        await target().bus.publish([after]);
        await waitFor(() => second.ids().has(after.id), { timeoutMs: WAIT_MS, message: 'the remaining member' });
        expect(first.ids().has(after.id), 'an unsubscribed handler receives no more events').toBe(false);
        await unsubscribeAll();
      },
      CASE_TIMEOUT_MS,
    );

    registry.case(
      'bus: a new group starting at the latest event misses what came before; a kept group resumes where it stopped',
      async () => {
        const topic = uniqueName('kit-topic');
        const earlier = kitEvent(topic, newId(), 1);
        // A group of its own makes sure the topic exists and holds `earlier` before the late group joins.
        const witness = new Deliveries();
        await subscribe(topic, uniqueName('kit-witness'), witness.recorder());
        await target().bus.publish([earlier]);
        await waitFor(() => witness.ids().has(earlier.id), { timeoutMs: WAIT_MS, message: 'the witness group to see the earlier event' });

        const late = new Deliveries();
        const group = uniqueName('kit-late');
        const first = await subscribe(topic, group, late.recorder(), { startAt: 'latest' });
        // One aggregate for what follows: a partitioned bus keeps a position per partition, and this one has one.
        const aggregate = newId();
        const later = kitEvent(topic, aggregate, 2);
        await target().bus.publish([later]);
        await waitFor(() => late.ids().has(later.id), { timeoutMs: WAIT_MS, message: 'the late group to get the later event' });
        expect(late.ids().has(earlier.id), 'a group new to the bus with startAt latest does not get earlier events').toBe(false);

        await first.unsubscribe();
        const whileAway = kitEvent(topic, aggregate, 3);
        await target().bus.publish([whileAway]);
        await subscribe(topic, group, late.recorder(), { startAt: 'latest' });
        await waitFor(() => late.ids().has(whileAway.id), {
          timeoutMs: WAIT_MS,
          message: 'a kept group to resume from its position, getting the event published while it had no member',
        });
        await unsubscribeAll();
      },
      CASE_TIMEOUT_MS,
    );

    registry.case(
      'bus: an ephemeral group is dropped on unsubscribe: the same name joins afresh',
      async () => {
        const topic = uniqueName('kit-topic');
        const group = uniqueName('kit-ephemeral');
        const options = { startAt: 'latest', ephemeral: true } as const;
        const seen = new Deliveries();
        const first = await subscribe(topic, group, seen.recorder(), options);
        // One aggregate, so a kept group would have a position where `whileAway` lands (see the case above).
        const aggregate = newId();
        const before = kitEvent(topic, aggregate, 1);
        await target().bus.publish([before]);
        await waitFor(() => seen.ids().has(before.id), { timeoutMs: WAIT_MS, message: 'the ephemeral group to get an event' });
        await first.unsubscribe();

        const whileAway = kitEvent(topic, aggregate, 2);
        await target().bus.publish([whileAway]);
        await subscribe(topic, group, seen.recorder(), options);
        const after = kitEvent(topic, newId(), 3);
        await target().bus.publish([after]);
        await waitFor(() => seen.ids().has(after.id), { timeoutMs: WAIT_MS, message: 'the group joined again to get a new event' });
        expect(
          seen.ids().has(whileAway.id),
          'an ephemeral group keeps no position: joining again starts at the latest event, not where it left',
        ).toBe(false);
        await unsubscribeAll();
      },
      CASE_TIMEOUT_MS,
    );
  });
}
