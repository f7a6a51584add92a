import { createKafkaEventBus } from '@limitedcart/adapter-kafka';
import type { Logger } from '@limitedcart/core';
import type { ServerConfig } from '../config.js';
import type { Closers, Infrastructure } from './infrastructure.js';

/**
 * Events travel on Kafka instead of Postgres LISTEN/NOTIFY: the Postgres outbox stays the durable log and the
 * engine's relay (role `relay`) ships it to Kafka. Topics and groups are prefixed with the schema name, so
 * deployments sharing a cluster stay apart.
 */
export function withKafka(base: Infrastructure, config: ServerConfig, logger: Logger, closers: Closers): Infrastructure {
  const common = {
    brokers: config.KAFKA_BROKERS!,
    clientId: 'limitedcart',
    topicPrefix: `${config.DB_SCHEMA}.`,
    logger: logger.child({ component: 'kafka' }),
  };
  const eventBus = createKafkaEventBus(common);
  // Per-process groups (SSE, catalogue) on their own bus, joining at the newest event.
  const notificationsBus = createKafkaEventBus({ ...common, newGroupsStartAt: 'latest' });
  closers.add('kafka notifications bus', () => notificationsBus.close());
  return {
    ...base,
    adapters: { ...base.adapters, eventBus },
    relay: true,
    // order.placed reaches the saga starter only after the relay's next poll and a Kafka round trip: start the
    // saga inline so a new order moves to PAYMENT_PENDING without waiting for that hop.
    startSagaInline: true,
    notificationsBus: () => notificationsBus,
    summary: { ...base.summary, eventBus: 'kafka (outbox relayed)' },
  };
}
