/**
 * `@limitedcart/adapter-kafka`: core's `EventBus` on Apache Kafka (kafkajs); `kafka({...})` is the plugin. Events are
 * keyed by aggregate id for per-aggregate order; consumer groups share partitions; delivery is at-least-once with
 * in-place retries and a dead-letter topic. The engine's relay (role `relay`) ships the outbox to it.
 */
export { HEADERS } from './codec.js';
export { createKafkaEventBus, type KafkaEventBus } from './event-bus.js';
export type { KafkaConsumerOptions, KafkaEventBusOptions, KafkaRetryOptions } from './options.js';
export { type KafkaPluginOptions, kafka } from './plugin.js';
