import { createEngine, type DomainEvent, newId } from '@limitedcart/core';
import { createSilentLogger } from '@limitedcart/core/memory';
import { waitFor } from '@limitedcart/core/testing';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaEventBus } from '../src/index.js';
import { deleteTopics, kafkaBrokers, Recorder, rawKafka, testBus, testEvent, unique } from './kafka-env.js';

// The engine's outbox relay (role `relay`) is this transport's relay: it claims outbox rows and calls the bus's
// `publish`. The outbox here is core's in-memory one; the store under test elsewhere is Postgres's.
describe.skipIf(kafkaBrokers === undefined)('outbox relay to Kafka', () => {
  const topicPrefix = `${unique('lc-relay')}.`;
  let bus: KafkaEventBus;
  let admin: Admin;

  beforeAll(async () => {
    bus = testBus({ topicPrefix });
    admin = rawKafka().admin();
    await admin.connect();
  });

  afterAll(async () => {
    await bus.close();
    await deleteTopics(admin, topicPrefix);
    await admin.disconnect();
  });

  it('ships every outbox row to its topic, each aggregate in outbox order', async () => {
    const relay = createEngine({ adapters: { eventBus: bus, logger: createSilentLogger() }, config: { roles: ['relay'], relayIntervalMs: 20 } });
    const { outbox } = relay.ports;
    const orders = unique('orders');
    const products = unique('products');
    const byTopic = { [orders]: new Recorder(), [products]: new Recorder() };
    await bus.subscribe(orders, unique('saga-starter'), byTopic[orders]!.handler);
    await bus.subscribe(products, unique('search-indexer'), byTopic[products]!.handler);

    const aggregates = [newId(), newId(), newId()];
    const appended: DomainEvent[] = [];
    for (let n = 0; n < 10; n++) {
      const round = aggregates.map((aggregateId, i) => testEvent(i === 2 ? products : orders, aggregateId, { n }));
      await outbox.append(round);
      appended.push(...round);
    }
    await relay.start();
    try {
      for (const [topic, recorder] of Object.entries(byTopic)) {
        const expected = appended.filter((event) => event.topic === topic);
        await waitFor(() => recorder.hasAll(expected), { timeoutMs: 60_000, message: `every ${topic} event` });
        for (const aggregateId of aggregates) {
          const seen = [...new Set(recorder.events.filter((e) => e.aggregateId === aggregateId).map((e) => e.id))];
          expect(seen).toEqual(expected.filter((e) => e.aggregateId === aggregateId).map((e) => e.id));
        }
      }
      expect(await outbox.claimUnshipped(100, 1_000)).toEqual([]);
    } finally {
      await relay.stop();
      // The engine closed the bus it was given; afterAll closes it again, which is a no-op.
    }
  }, 120_000);
});
