import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Notification, NotificationHub } from './hub.js';
import { createStreamSlots, type StreamLimits } from './stream-slots.js';

export interface StreamRouteOptions<TVars extends object> {
  readonly hub: NotificationHub;
  /** Authenticates the request and sets a principal; the route reads the customer id through `customerIdOf`. */
  readonly authenticate: MiddlewareHandler<{ Variables: TVars }>;
  readonly customerIdOf: (variables: TVars) => string;
  readonly heartbeatMs?: number;
  /** Aborted on shutdown so open streams end and the server can drain. */
  readonly shutdownSignal?: AbortSignal;
  /** Streams per customer and in total; more are refused with 429 `TOO_MANY_STREAMS`. */
  readonly limits?: StreamLimits;
}

/** The refusal of a stream over a cap, as RFC 9457 problem details with a stable code. */
const tooManyStreams = (instance: string, limit: 'perCustomer' | 'total') =>
  new Response(
    JSON.stringify({
      type: 'https://limitedcart.dev/problems/too-many-streams',
      title: 'Too Many Requests',
      status: 429,
      code: 'TOO_MANY_STREAMS',
      detail: limit === 'perCustomer' ? 'too many notification streams open for this account' : 'too many notification streams open',
      instance,
    }),
    { status: 429, headers: { 'content-type': 'application/problem+json', 'retry-after': '5' } },
  );

/**
 * `GET /stream`: the caller's order progress as server-sent events, with `id:` lines, `Last-Event-ID` replay
 * (header, or `lastEventId` query for clients that cannot set headers) and comment heartbeats that keep
 * proxies from closing an idle stream.
 */
export function notificationsRoute<TVars extends object>(options: StreamRouteOptions<TVars>) {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const slots = createStreamSlots(options.limits);
  const app = new Hono<{ Variables: TVars }>();
  app.get('/stream', options.authenticate, (c) => {
    const customerId = options.customerIdOf(c.var as TVars);
    const slot = slots.acquire(customerId);
    if (!slot.ok) return tooManyStreams(c.req.path, slot.limit);
    const lastEventId = c.req.header('last-event-id') ?? c.req.query('lastEventId') ?? null;
    c.header('cache-control', 'no-cache, no-transform');
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      const queue: Notification[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = options.hub.subscribe(
        customerId,
        (n) => {
          queue.push(n);
          wake?.();
        },
        lastEventId,
      );
      const stop = () => wake?.();
      stream.onAbort(stop);
      options.shutdownSignal?.addEventListener('abort', stop, { once: true });
      try {
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ customerId }) });
        while (!stream.aborted && !stream.closed && !options.shutdownSignal?.aborted) {
          while (queue.length > 0) {
            const n = queue.shift()!;
            await stream.writeSSE({ id: n.id, event: n.event, data: JSON.stringify(n.data) });
          }
          const timer = new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, heartbeatMs).unref();
          });
          await timer;
          wake = null;
          if (queue.length === 0 && !stream.aborted) await stream.write(': heartbeat\n\n');
        }
      } finally {
        unsubscribe();
        slot.release();
        options.shutdownSignal?.removeEventListener('abort', stop);
      }
    });
  });
  return app;
}
