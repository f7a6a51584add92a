import { describeEventBusContract } from '@limitedcart/core/testing';
import { describe } from 'vitest';
import { deleteTopics, kafkaBrokers, rawKafka, testBus, unique } from './kafka-env.js';

describe.skipIf(kafkaBrokers === undefined)('adapter-kafka conformance', () => {
  describeEventBusContract('kafka', async () => {
    const topicPrefix = `${unique('lc-kit')}.`;
    const bus = testBus({ topicPrefix });
    return {
      bus,
      close: async () => {
        await bus.close();
        const admin = rawKafka().admin();
        await admin.connect();
        await deleteTopics(admin, topicPrefix);
        await admin.disconnect();
      },
    };
  });
});
