import { createQueueNotices, definePlugin, defineToken, type Engine, EVENT_TYPES, type Plugin, type QueueNotice, type QueueNotices, TOPICS } from '@limitedcart/core';
import type { MiddlewareHandler } from 'hono';
import { createNotificationHub, type NotificationHub } from './hub.js';
import { notificationsRoute, type StreamCredentials } from './stream-route.js';
import type { StreamLimits } from './stream-slots.js';

export interface SseOptions {
  /** Notifications kept per customer for `Last-Event-ID` replay. Default 100. */
  readonly retainPerCustomer?: number;
  /** Customers whose history is kept; the least recently active go first. Default 100,000. */
  readonly maxCustomers?: number;
}

/** The hub of this process: `engine.resolve(NOTIFICATIONS)`. */
export const NOTIFICATIONS = defineToken<NotificationHub>('limitedcart.sse-notifications');

/**
 * What a shopper's stream carries: status transitions, hold extensions and failed payment attempts of their orders;
 * and, for the queues they wait in, `queue.position`, `queue.admitted`, `queue.lapsed` and `queue.sold-out`.
 */
const PUSHED: ReadonlySet<string> = new Set([EVENT_TYPES.orderProgress, EVENT_TYPES.orderHoldExtended, EVENT_TYPES.orderPaymentFailed]);

/**
 * Live order progress for shoppers: every `api` process keeps a hub fed by a subscription of its own (each replica
 * sees every `order.progress` event, so a shopper may connect to any of them), and `sseRoutes(engine, ...)` serves
 * `GET /stream` for Hono hosts.
 *
 * ```ts
 * const engine = createEngine({ plugins: [sse()] });
 * app.route('/api/notifications', sseRoutes(engine, { authenticate, customerIdOf: (vars) => vars.user.id }));
 * ```
 */
export function sse(options: SseOptions = {}): Plugin {
  return definePlugin({
    name: 'sse-notifications',
    setup(ctx) {
      ctx.register(NOTIFICATIONS, { useFactory: () => createNotificationHub(options) });
      // Waiting rooms: one `queue.round` per drop and round, turned here into the events of this process's streams.
      let notices: QueueNotices | undefined;
      ctx.subscribe(
        TOPICS.queues,
        'limitedcart.sse-queues',
        async (event, engine) => {
          notices ??= createQueueNotices({
            queue: engine.ports.admissionQueue,
            issueToken: (admission) => engine.useCases.issueAdmissionToken(admission),
            logger: engine.ports.logger.child({ component: 'queue-notices' }),
          });
          const hub = engine.resolve(NOTIFICATIONS);
          const send = (batch: readonly QueueNotice[]) => {
            for (const { customerId, id, type, data, supersedes } of batch) {
              hub.notify(customerId, { id, event: type, data, ...(supersedes === undefined ? {} : { supersedes }) });
            }
          };
          // Admissions and lapses go out before positions are read: a turn is running.
          send(await notices.onRound(event, [...hub.connectedCustomers()], send));
        },
        { scope: 'process' },
      );
      ctx.subscribe(
        TOPICS.orders,
        'limitedcart.sse',
        async (event, engine) => {
          if (PUSHED.has(event.type)) engine.resolve(NOTIFICATIONS).publish(event);
        },
        { scope: 'process' },
      );
    },
  });
}

export interface SseRoutesOptions<TVars extends object> {
  /** Authenticates the request and sets the variables `customerIdOf` reads. */
  readonly authenticate: MiddlewareHandler<{ Variables: TVars }>;
  readonly customerIdOf: (variables: TVars) => string;
  /** Comment heartbeats that keep proxies from closing an idle stream. Default 15 s. */
  readonly heartbeatMs?: number;
  /** Aborted on shutdown so open streams end and the server can drain. */
  readonly shutdownSignal?: AbortSignal;
  /** When the caller's credentials lapse: the stream ends then (see `StreamRouteOptions.credentials`). */
  readonly credentials?: (variables: TVars) => StreamCredentials;
  /** How often `credentials().stillValid` is asked. Default 5000 ms. */
  readonly credentialCheckMs?: number;
  /** Streams per customer (default 8) and in total (default 10,000) this route serves at once; more get 429. */
  readonly limits?: StreamLimits;
}

/** `GET /stream` over the hub of an engine built with `sse()`; its `ready` event carries the engine's time. */
export const sseRoutes = <TVars extends object>(engine: Engine, options: SseRoutesOptions<TVars>) =>
  notificationsRoute<TVars>({ ...options, hub: engine.resolve(NOTIFICATIONS), now: () => engine.useCases.now() });
