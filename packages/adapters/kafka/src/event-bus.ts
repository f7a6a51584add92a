import {
  type ConsumerLag,
  type DomainEvent,
  type EventBus,
  type EventHandler,
  type HealthReport,
  type Lifecycle,
  LimitedCartError,
  type SubscribeOptions,
  type Subscription,
  validationError,
} from '@limitedcart/core';
import { type Admin, Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { clientLogCreator, clientLogLevel } from './client-logger.js';
import { deadLetterMessage, encodeEvent } from './codec.js';
import { GroupMember } from './group-member.js';
import { checkName, type KafkaEventBusOptions, resolveOptions } from './options.js';
import { TopicRegistry } from './topics.js';

/** The Kafka event bus: core's `EventBus` plus the lifecycle the engine drives. */
export interface KafkaEventBus extends EventBus, Required<Pick<Lifecycle, 'close' | 'health'>> {
  /** Per subscription of this bus and partition: records not committed yet, as of the subscription's last batch. */
  consumerLag(): readonly ConsumerLag[];
  /** The Kafka topic a logical topic maps to (prefix applied). */
  kafkaTopic(topic: string): string;
  /**
   * The logical topic holding `topic`'s dead letters. Subscribe to it like any topic to inspect or replay
   * them; each record keeps its original key and headers plus `dead-letter-*` headers.
   */
  deadLetterTopic(topic: string): string;
}

/** Connects on first use; a failed connect is forgotten so the next call tries again. */
const connectOnce = <T>(connect: () => Promise<T>): { get(): Promise<T>; peek(): Promise<T> | undefined; reset(): void } => {
  let pending: Promise<T> | undefined;
  return {
    get() {
      if (!pending) {
        const attempt = connect();
        pending = attempt;
        attempt.catch(() => {
          if (pending === attempt) pending = undefined;
        });
      }
      return pending;
    },
    peek: () => pending,
    reset() {
      pending = undefined;
    },
  };
};

const infrastructure = (message: string, cause: unknown) =>
  cause instanceof LimitedCartError ? cause : new LimitedCartError('INFRASTRUCTURE', message, { cause });

const checkEvent = (event: DomainEvent): void => {
  checkName('event.topic', event.topic);
  for (const field of ['id', 'type', 'aggregateId'] as const) {
    if (typeof event[field] !== 'string' || event[field].length === 0) {
      throw validationError(`event.${field} must be a non-empty string`, { field: `event.${field}` });
    }
  }
};

/**
 * `EventBus` on Kafka. `publish` produces each event to `<topicPrefix><topic>` keyed by its aggregate id with
 * an idempotent producer (one request in flight, so retries neither duplicate nor reorder), which keeps an
 * aggregate's events in one partition and in order. `subscribe` starts one consumer per call, a member of
 * the Kafka group `<topicPrefix><group>@<topic>`: groups are scoped per topic so members of a group on
 * different topics never share an assignment (the client's assignors do not check what a member subscribed
 * to) and a subscription to one topic does not rebalance the group's consumers of another.
 *
 * No IO until the first call. In the order flow `publish` is called by core's outbox relay
 * (`createOutboxRelay({ outbox, bus })`), which is the relay for this transport.
 */
export const createKafkaEventBus = (input: KafkaEventBusOptions): KafkaEventBus => {
  const options = resolveOptions(input);
  const { logger, topicPrefix, deadLetterSuffix } = options;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: clientLogLevel(options.clientLogLevel),
    logCreator: clientLogCreator(logger),
  });

  const admin = connectOnce(async (): Promise<Admin> => {
    const client = kafka.admin();
    await client.connect();
    return client;
  });
  const producer = connectOnce(async (): Promise<Producer> => {
    const client = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: !options.createTopics,
      // Murmur2 on the key, as the Java client: records of one aggregate land on the same partition whoever
      // produced them.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await client.connect();
    return client;
  });
  const topics = new TopicRegistry(() => admin.get(), options.partitions);
  const ensureTopics = (names: Iterable<string>) => (options.createTopics ? topics.ensure(names) : Promise.resolve());
  const members = new Set<GroupMember>();
  let closed = false;
  let closing: Promise<void> | undefined;

  const kafkaTopic = (topic: string) => `${topicPrefix}${checkName('topic', topic)}`;
  const deadLetterTopic = (topic: string) => `${checkName('topic', topic)}${deadLetterSuffix}`;
  const assertOpen = () => {
    if (closed) throw new LimitedCartError('INFRASTRUCTURE', 'kafka event bus is closed');
  };

  const send = async (topicMessages: { topic: string; messages: Message[] }[]): Promise<void> => {
    await ensureTopics(topicMessages.map((entry) => entry.topic));
    const client = await producer.get();
    await client.sendBatch({ topicMessages, acks: -1 });
  };

  return {
    kafkaTopic,
    deadLetterTopic,

    consumerLag(): ConsumerLag[] {
      const lags: ConsumerLag[] = [];
      for (const member of members) {
        for (const [partition, lag] of member.lag()) lags.push({ topic: member.topic, group: member.group, partition, lag });
      }
      return lags;
    },

    async publish(events: readonly DomainEvent[]) {
      assertOpen();
      for (const event of events) checkEvent(event);
      if (events.length === 0) return;
      // One request for the whole call; within a partition records keep the order they have here.
      const byTopic = new Map<string, Message[]>();
      for (const event of events) {
        const name = kafkaTopic(event.topic);
        const messages = byTopic.get(name) ?? [];
        messages.push(encodeEvent(event));
        byTopic.set(name, messages);
      }
      try {
        await send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
      } catch (error) {
        throw infrastructure(`cannot publish ${events.length} event(s) to kafka`, error);
      }
    },

    async subscribe(topic: string, group: string, handler: EventHandler, subscribeOptions: SubscribeOptions = {}): Promise<Subscription> {
      assertOpen();
      const name = kafkaTopic(topic);
      checkName('group', group);
      if (typeof handler !== 'function') throw validationError('handler must be a function', { field: 'handler' });
      const dlq = `${name}${deadLetterSuffix}`;
      try {
        await ensureTopics([name]);
      } catch (error) {
        throw infrastructure(`cannot create topic ${name}`, error);
      }
      const startAt = subscribeOptions.startAt;
      const groupId = `${topicPrefix}${group}@${topic}`;
      const member = new GroupMember({
        kafka,
        options: startAt === undefined ? options : { ...options, fromBeginning: startAt === 'earliest' },
        topic,
        kafkaTopic: name,
        group,
        groupId,
        handler,
        deadLetter: (message, context) => send([{ topic: dlq, messages: [deadLetterMessage(message, context)] }]),
        logger: logger?.child({ component: 'kafka-event-bus', topic, group }),
      });
      members.add(member);
      try {
        await member.start();
      } catch (error) {
        members.delete(member);
        throw error;
      }
      let stopped: Promise<void> | undefined;
      return {
        unsubscribe: () => {
          stopped ??= member
            .stop()
            .then(async () => {
              // An ephemeral group is dropped with its only member; a broker that refuses keeps it until the
              // group's offsets expire by themselves (offsets.retention.minutes).
              if (subscribeOptions.ephemeral) {
                await (await admin.get()).deleteGroups([groupId]).catch((error: unknown) =>
                  logger?.warn('kafka: dropping an ephemeral group failed', { groupId, error }),
                );
              }
            })
            .finally(() => members.delete(member));
          return stopped;
        },
      };
    },

    close() {
      closed = true;
      closing ??= (async () => {
        const results = await Promise.allSettled([...members].map((member) => member.stop()));
        members.clear();
        const clients = [producer.peek(), admin.peek()];
        producer.reset();
        admin.reset();
        for (const client of clients) {
          const connected = await client?.catch(() => undefined);
          await connected?.disconnect();
        }
        const failed = results.find((result) => result.status === 'rejected');
        if (failed) throw infrastructure('kafka event bus did not stop cleanly', failed.reason);
      })();
      return closing;
    },

    async health(): Promise<HealthReport> {
      const crashed = [...members].find((member) => member.crash);
      if (crashed?.crash) return { name: 'kafka-event-bus', ok: false, detail: `consumer stopped: ${crashed.crash.message}` };
      try {
        const client = await admin.get();
        const cluster = await client.describeCluster();
        return { name: 'kafka-event-bus', ok: true, detail: `${cluster.brokers.length} broker(s)` };
      } catch (error) {
        return { name: 'kafka-event-bus', ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
  };
};
