/**
 * `@limitedcart/adapter-kafka`: core's `EventBus` on Apache Kafka (kafkajs). Events are keyed by aggregate id
 * for per-aggregate order; consumer groups share partitions; delivery is at-least-once with in-place retries
 * and a dead-letter topic. Core's `createOutboxRelay({ outbox, bus })` with this bus is the outbox relay.
 */
export { HEADERS } from './codec.js';
export { createKafkaEventBus, type KafkaEventBus } from './event-bus.js';
export type { KafkaConsumerOptions, KafkaEventBusOptions, KafkaRetryOptions } from './options.js';
