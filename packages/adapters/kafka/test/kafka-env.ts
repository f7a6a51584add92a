import { randomUUID } from 'node:crypto';
import { type DomainEvent, type EventHandler, newId } from '@limitedcart/core';
import { type Admin, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { createKafkaEventBus, type KafkaEventBus, type KafkaEventBusOptions } from '../src/index.js';

/**
 * The broker these suites run against (`scripts/services/kafka.sh` prints it). Unset in CI is a failure: a
 * suite must not pass by not running. Locally the suites skip with the reason printed.
 */
export const kafkaBrokers: string | undefined = process.env.KAFKA_BROKERS;

if (kafkaBrokers === undefined) {
  if (process.env.CI) throw new Error('KAFKA_BROKERS is not set: the Kafka adapter suites need a real broker');
  console.warn('skipping Kafka adapter suites: KAFKA_BROKERS is not set (run scripts/services/kafka.sh)');
}

/** A name no other test uses: topic prefixes, topics and groups. */
export const unique = (name: string): string => `${name}-${randomUUID().replaceAll('-', '').slice(0, 12)}`;

/**
 * A bus tuned for tests: short heartbeats and fetch waits so joins and rebalances take a second rather than
 * several, short retry backoff, and a prefix of its own so its topics and groups are private.
 */
export const testBus = (overrides: Partial<KafkaEventBusOptions> = {}): KafkaEventBus =>
  createKafkaEventBus({
    brokers: kafkaBrokers ?? '127.0.0.1:9092',
    clientId: 'limitedcart-test',
    topicPrefix: `${unique('lc-test')}.`,
    retry: { attempts: 3, backoffMs: 20, maxBackoffMs: 200 },
    consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 200 },
    clientLogLevel: 'nothing',
    ...overrides,
  });

/** A plain Kafka client for what the port does not show: raw records, headers, committed offsets. */
export const rawKafka = (): Kafka =>
  new Kafka({ brokers: (kafkaBrokers ?? '127.0.0.1:9092').split(','), clientId: 'limitedcart-test-raw', logLevel: logLevel.NOTHING });

export const testEvent = (topic: string, aggregateId: string = newId(), payload: Record<string, unknown> = {}): DomainEvent => ({
  id: newId(),
  topic,
  type: 'test.event',
  aggregateId,
  payload,
  occurredAt: new Date().toISOString(),
});

/** Handled events in completion order. */
export class Recorder {
  readonly events: DomainEvent[] = [];
  readonly handler: EventHandler = async (event) => {
    this.events.push(event);
  };
  ids(): Set<string> {
    return new Set(this.events.map((event) => event.id));
  }
  hasAll(events: readonly DomainEvent[]): boolean {
    const ids = this.ids();
    return events.every((event) => ids.has(event.id));
  }
}

/** Reads every record of `topic` from the beginning, until `count` arrived; for checking raw records. */
export async function readRecords(kafka: Kafka, topic: string, count: number, timeoutMs = 60_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: unique('lc-test-reader'), heartbeatInterval: 500, maxWaitTimeInMs: 200 });
  const records: KafkaMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${records.length} of ${count} records on ${topic}`)), timeoutMs);
      void consumer
        .run({
          eachMessage: async ({ message }) => {
            records.push(message);
            if (records.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** The group's committed offset summed over the topic's partitions, and the topic's end offset likewise. */
export async function committedAndEnd(admin: Admin, groupId: string, topic: string): Promise<{ committed: number; end: number }> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committed = (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  const end = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  return { committed, end };
}

/** Deletes every topic whose name starts with `prefix`, so test runs do not pile topics up on the broker. */
export async function deleteTopics(admin: Admin, prefix: string): Promise<void> {
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
  if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => {});
}
