import { definePlugin, type Plugin } from '@limitedcart/core';
import { createKafkaEventBus } from './event-bus.js';
import type { KafkaEventBusOptions } from './options.js';

export type KafkaPluginOptions = Omit<KafkaEventBusOptions, 'logger' | 'newGroupsStartAt'>;

/**
 * Events on Kafka: the engine's `eventBus`. The outbox stays the durable log (written in the same transaction as the
 * state change); processes with the `relay` role ship it to Kafka, in batches. Each consumer group commits after its
 * handler succeeded. Use a `topicPrefix` per deployment when several share a cluster.
 *
 * ```ts
 * createEngine({ plugins: [postgres({ connectionString }), kafka({ brokers: ['127.0.0.1:9092'], topicPrefix: 'shop.' })] });
 * ```
 */
export function kafka(options: KafkaPluginOptions): Plugin {
  return definePlugin({
    name: 'kafka',
    setup(ctx) {
      ctx.provide({
        eventBus: { useFactory: ({ ports }) => createKafkaEventBus({ ...options, logger: ports.logger.child({ component: 'kafka' }) }) },
      });
    },
  });
}
