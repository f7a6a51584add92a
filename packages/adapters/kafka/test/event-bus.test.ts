import { type DomainEvent, isLimitedCartError, newId } from '@limitedcart/core';
import { waitFor } from '@limitedcart/core/testing';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS, type KafkaEventBus } from '../src/index.js';
import {
  committedAndEnd,
  deleteTopics,
  kafkaBrokers,
  Recorder,
  rawKafka,
  readRecords,
  testBus,
  testEvent,
  unique,
} from './kafka-env.js';

const WAIT = { timeoutMs: 60_000 };
const CASE_TIMEOUT_MS = 120_000;

describe.skipIf(kafkaBrokers === undefined)('Kafka event bus', () => {
  const topicPrefix = `${unique('lc-bus')}.`;
  const buses: KafkaEventBus[] = [];
  let kafka: Kafka;
  let admin: Admin;

  /** A bus on this file's prefix, closed after the file. */
  const bus = (overrides: Parameters<typeof testBus>[0] = {}): KafkaEventBus => {
    const made = testBus({ topicPrefix, ...overrides });
    buses.push(made);
    return made;
  };

  beforeAll(async () => {
    kafka = rawKafka();
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.allSettled(buses.map((made) => made.close()));
    await deleteTopics(admin, topicPrefix);
    await admin.disconnect();
  });

  it(
    'dead-letters an event whose handler fails every attempt, commits it and moves on',
    async () => {
      const events = bus({ retry: { attempts: 3, backoffMs: 10 } });
      const topic = unique('orders');
      const group = unique('group');
      const aggregateId = newId();
      const poison = testEvent(topic, aggregateId, { poison: true });
      const after = testEvent(topic, aggregateId, { poison: false });
      const attempts = new Map<string, number>();
      const handled = new Recorder();
      const subscription = await events.subscribe(topic, group, async (event) => {
        attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
        if (event.payload.poison) throw new Error('cannot handle this one');
        await handled.handler(event);
      });
      await events.publish([poison, after]);

      await waitFor(() => handled.ids().has(after.id), { ...WAIT, message: 'the event behind the poison one' });
      expect(attempts.get(poison.id)).toBe(3);
      expect(attempts.get(after.id)).toBe(1);

      // The dead-letter topic is a topic of the bus: subscribers get the original event back.
      const deadLetters = new Recorder();
      await events.subscribe(events.deadLetterTopic(topic), unique('dlq-reader'), deadLetters.handler);
      await waitFor(() => deadLetters.events.length > 0, { ...WAIT, message: 'the dead letter' });
      expect(deadLetters.events).toEqual([poison]);

      const [record] = await readRecords(kafka, events.kafkaTopic(events.deadLetterTopic(topic)), 1);
      expect(record?.key?.toString()).toBe(aggregateId);
      expect(record?.headers?.[HEADERS.eventId]?.toString()).toBe(poison.id);
      expect(record?.headers?.[HEADERS.deadLetterReason]?.toString()).toBe('cannot handle this one');
      expect(record?.headers?.[HEADERS.deadLetterGroup]?.toString()).toBe(group);
      expect(record?.headers?.[HEADERS.deadLetterAttempts]?.toString()).toBe('3');

      // Both records are committed: a restarted group would not see the poison event again.
      await subscription.unsubscribe();
      const offsets = await committedAndEnd(admin, `${topicPrefix}${group}@${topic}`, events.kafkaTopic(topic));
      expect(offsets).toEqual({ committed: 2, end: 2 });
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'dead-letters a record that is not an event without calling the handler',
    async () => {
      const events = bus();
      const topic = unique('orders');
      const handled = new Recorder();
      await events.subscribe(topic, unique('group'), handled.handler);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: events.kafkaTopic(topic), messages: [{ key: 'k', value: 'not json' }] });
      await producer.disconnect();
      const event = testEvent(topic, 'k');
      await events.publish([event]);

      await waitFor(() => handled.ids().has(event.id), { ...WAIT, message: 'the event after the bad record' });
      expect(handled.events).toEqual([event]);
      const [record] = await readRecords(kafka, events.kafkaTopic(events.deadLetterTopic(topic)), 1);
      expect(record?.value?.toString()).toBe('not json');
      expect(record?.headers?.[HEADERS.deadLetterReason]?.toString()).toMatch(/not JSON/);
      expect(record?.headers?.[HEADERS.deadLetterAttempts]?.toString()).toBe('0');
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'keeps each aggregate in publish order, each aggregate on one member, across two members and many batches',
    async () => {
      const events = bus();
      const topic = unique('orders');
      const group = unique('group');
      const members = [new Recorder(), new Recorder()];
      for (const member of members) {
        await events.subscribe(topic, group, async (event) => {
          // Uneven handler times; aggregates are handled concurrently, records of one aggregate never.
          if (Math.random() < 0.2) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
          await member.handler(event);
        });
      }
      const aggregates = Array.from({ length: 8 }, () => newId());
      const published: DomainEvent[] = [];
      for (let n = 0; n < 25; n++) for (const aggregateId of aggregates) published.push(testEvent(topic, aggregateId, { n }));
      for (let i = 0; i < published.length; i += 40) await events.publish(published.slice(i, i + 40));

      const all = () => [...members[0]!.events, ...members[1]!.events];
      await waitFor(() => published.every((event) => all().some((seen) => seen.id === event.id)), {
        ...WAIT,
        message: 'every event',
      });
      expect(all()).toHaveLength(published.length);
      for (const aggregateId of aggregates) {
        const expected = published.filter((event) => event.aggregateId === aggregateId).map((event) => event.id);
        const handledBy = members.filter((member) => member.events.some((event) => event.aggregateId === aggregateId));
        expect(handledBy).toHaveLength(1);
        expect(handledBy[0]!.events.filter((event) => event.aggregateId === aggregateId).map((event) => event.id)).toEqual(
          expected,
        );
      }
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'a group that restarts resumes after its last committed event',
    async () => {
      const events = bus();
      const topic = unique('orders');
      const group = unique('group');
      const first = new Recorder();
      const before = Array.from({ length: 5 }, () => testEvent(topic));
      const subscription = await events.subscribe(topic, group, first.handler);
      await events.publish(before);
      await waitFor(() => first.hasAll(before), { ...WAIT, message: 'the first batch' });
      await subscription.unsubscribe();

      // Published while the group has no member: kept for it, like any lag.
      const during = Array.from({ length: 5 }, () => testEvent(topic));
      await events.publish(during);
      const second = new Recorder();
      await bus().subscribe(topic, group, second.handler);
      await waitFor(() => second.hasAll(during), { ...WAIT, message: 'the events published while down' });
      expect(second.events.map((event) => event.id).sort()).toEqual(during.map((event) => event.id).sort());
      expect(first.events).toHaveLength(5);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'rebalances: a second member takes a share of the partitions, and the last member takes them all back',
    async () => {
      const events = bus();
      const topic = unique('orders');
      const group = unique('group');
      const a = new Recorder();
      const b = new Recorder();
      const batch = () => Array.from({ length: 60 }, () => testEvent(topic));

      const first = batch();
      const memberA = await events.subscribe(topic, group, a.handler);
      await events.publish(first);
      await waitFor(() => a.hasAll(first), { ...WAIT, message: 'the lone member to handle everything' });

      await events.subscribe(topic, group, b.handler);
      const second = batch();
      await events.publish(second);
      const handledSecond = (recorder: Recorder) => recorder.events.filter((event) => second.some((e) => e.id === event.id));
      await waitFor(() => second.every((event) => a.ids().has(event.id) || b.ids().has(event.id)), {
        ...WAIT,
        message: 'the group to handle the second batch',
      });
      // 60 random keys over 3 partitions: each member owns at least one partition with records on it.
      expect(handledSecond(a).length).toBeGreaterThan(0);
      expect(handledSecond(b).length).toBeGreaterThan(0);
      expect(handledSecond(a).length + handledSecond(b).length).toBe(second.length);

      await memberA.unsubscribe();
      const third = batch();
      await events.publish(third);
      await waitFor(() => b.hasAll(third), { ...WAIT, message: 'the remaining member to take every partition' });
      expect(third.some((event) => a.ids().has(event.id))).toBe(false);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'a member beyond the partition count joins idle and takes over when the active member leaves',
    async () => {
      const events = bus({ partitions: 1 });
      const topic = unique('orders');
      const group = unique('group');
      const members = [new Recorder(), new Recorder()];
      const subscriptions = [
        await events.subscribe(topic, group, members[0]!.handler),
        await events.subscribe(topic, group, members[1]!.handler),
      ];
      const before = testEvent(topic);
      await events.publish([before]);
      await waitFor(() => members.some((member) => member.ids().has(before.id)), { ...WAIT, message: 'the first event' });
      // One partition: one member owns it, the other joined with nothing to do.
      const owner = members[0]!.ids().has(before.id) ? 0 : 1;
      const other = members[1 - owner]!;
      expect(other.events).toEqual([]);
      await subscriptions[owner]!.unsubscribe();
      const after = testEvent(topic);
      await events.publish([after]);
      await waitFor(() => other.ids().has(after.id), { ...WAIT, message: 'the idle member to take over' });
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "a new group set to start at 'latest' gets what is published after subscribe resolved, and nothing older",
    async () => {
      const events = bus({ newGroupsStartAt: 'latest' });
      const topic = unique('orders');
      const old = Array.from({ length: 5 }, () => testEvent(topic));
      await events.publish(old);
      const recorder = new Recorder();
      await events.subscribe(topic, unique('group'), recorder.handler);
      const fresh = Array.from({ length: 5 }, () => testEvent(topic));
      await events.publish(fresh);
      await waitFor(() => recorder.hasAll(fresh), { ...WAIT, message: 'the events published after subscribe' });
      expect(old.some((event) => recorder.ids().has(event.id))).toBe(false);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'unsubscribing during a retry backoff leaves the event uncommitted for the next member',
    async () => {
      const events = bus({ retry: { attempts: 5, backoffMs: 30_000, maxBackoffMs: 30_000 } });
      const topic = unique('orders');
      const group = unique('group');
      let failures = 0;
      const failing = await events.subscribe(topic, group, async () => {
        failures++;
        throw new Error('down');
      });
      const event = testEvent(topic);
      await events.publish([event]);
      await waitFor(() => failures === 1, { ...WAIT, message: 'the first failure' });
      // Returns without sitting out the 30 s backoff, and without dead-lettering or committing the event.
      await failing.unsubscribe();
      expect(failures).toBe(1);

      const next = new Recorder();
      await events.subscribe(topic, group, next.handler);
      await waitFor(() => next.ids().has(event.id), { ...WAIT, message: 'the next member to get the event' });
      const dlq = events.kafkaTopic(events.deadLetterTopic(topic));
      expect((await admin.listTopics()).includes(dlq)).toBe(false);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'handles different aggregates of one partition side by side, commits after handling and reports its lag',
    async () => {
      const events = bus({ partitions: 1, consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 200, handlerConcurrency: 4 } });
      const topic = unique('orders');
      const group = unique('group');
      const inFlight = new Set<string>();
      let mostAtOnce = 0;
      let release: () => void = () => {};
      const allIn = new Promise<void>((resolve) => {
        release = resolve;
      });
      const handled = new Recorder();
      await events.subscribe(topic, group, async (event) => {
        inFlight.add(event.aggregateId);
        mostAtOnce = Math.max(mostAtOnce, inFlight.size);
        // The first four aggregates wait for each other: this only ends if they run at the same time.
        if (event.payload.n === 0) {
          if (inFlight.size === 4) release();
          await allIn;
        }
        await handled.handler(event);
        inFlight.delete(event.aggregateId);
      });
      const aggregates = Array.from({ length: 4 }, () => newId());
      const published = [0, 1].flatMap((n) => aggregates.map((aggregateId) => testEvent(topic, aggregateId, { n })));
      await events.publish(published);

      await waitFor(() => handled.events.length === published.length, { ...WAIT, message: 'every event' });
      expect(mostAtOnce, 'four aggregates of one partition in flight at once').toBe(4);
      for (const aggregateId of aggregates) {
        expect(handled.events.filter((event) => event.aggregateId === aggregateId).map((event) => event.payload.n)).toEqual([0, 1]);
      }
      const groupId = `${topicPrefix}${group}@${topic}`;
      await waitFor(
        async () => {
          const { committed, end } = await committedAndEnd(admin, groupId, events.kafkaTopic(topic));
          return committed === end;
        },
        { ...WAIT, message: 'offsets committed up to the end' },
      );
      await waitFor(() => events.consumerLag().length > 0 && events.consumerLag().every((entry) => entry.lag === 0), {
        ...WAIT,
        message: 'no lag left',
      });
      expect(events.consumerLag()).toEqual([{ topic, group, partition: 0, lag: 0 }]);
    },
    CASE_TIMEOUT_MS,
  );

  it('rejects names Kafka cannot use and refuses work once closed', async () => {
    const events = testBus({ topicPrefix });
    await expect(events.publish([testEvent('no spaces allowed')])).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'VALIDATION'),
    );
    await expect(events.subscribe('orders', 'a/b', async () => {})).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'VALIDATION'),
    );
    expect(await events.health()).toMatchObject({ name: 'kafka-event-bus', ok: true });
    await events.close();
    await expect(events.publish([testEvent('orders')])).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'INFRASTRUCTURE'),
    );
  });
});
