import { definePlugin, type DomainEvent, type Engine, type Plugin, type Subscription, TOPICS } from '@limitedcart/core';
import { deliverWithRetries } from './deliver.js';
import { type ResolvedEndpoint, type ResolvedOptions, resolveOptions, type WebhookPluginOptions } from './options.js';

/**
 * Delivers the engine's order events to HTTP endpoints as signed webhooks.
 *
 * Each endpoint gets its own consumer group on the `orders` topic (`<groupPrefix>.<endpoint id>`), so a
 * slow or dead endpoint delays only itself. Within a group the bus hands over one order's events one at a
 * time, and the handler returns only when the delivery succeeded or was given up on, so every endpoint
 * receives each order's events in the order they happened.
 *
 * Delivery is at-least-once, also across crashes: the plugin subscribes on the bus directly rather than
 * through `ctx.subscribe`, whose once-per-event mark is written before the handler runs and would turn a
 * crash mid-delivery into a lost webhook. Duplicates carry the same delivery id, which receivers dedupe on.
 *
 * Subscribes on `worker` processes only: api-only replicas do not send webhooks.
 */
export function webhookPlugin(options: WebhookPluginOptions): Plugin {
  const resolved = resolveOptions(options);
  return definePlugin({
    name: 'webhooks',
    setup(ctx) {
      if (!ctx.config.roles.includes('worker')) return;
      const subscriptions: Subscription[] = [];
      ctx.onStart(async (engine) => {
        for (const endpoint of resolved.endpoints) {
          const group = `${resolved.groupPrefix}.${endpoint.id}`;
          subscriptions.push(
            await engine.ports.eventBus.subscribe(TOPICS.orders, group, (event) => deliver(resolved, endpoint, event, engine)),
          );
        }
      });
      // Armed before onStart runs, so a start that fails half-way still unsubscribes what it subscribed.
      ctx.onStop(async () => {
        await Promise.all(subscriptions.splice(0).map((subscription) => subscription.unsubscribe()));
      });
    },
  });
}

async function deliver(resolved: ResolvedOptions, endpoint: ResolvedEndpoint, event: DomainEvent, engine: Engine): Promise<void> {
  if (!endpoint.events.includes(event.type)) return;
  const outcome = await deliverWithRetries(endpoint, event, {
    retry: resolved.retry,
    timeoutMs: resolved.timeoutMs,
    fetch: resolved.fetch,
    signal: resolved.signal,
    logger: engine.ports.logger.child({ plugin: 'webhooks' }),
    now: () => engine.ports.clock.now(),
  });
  if (!outcome.delivered) resolved.onGiveUp?.(outcome);
}
