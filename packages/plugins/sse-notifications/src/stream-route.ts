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
  /**
   * When the caller's credentials lapse. The stream ends (with an `end` event naming the reason, so the client
   * reconnects with fresh credentials) at `expiresAt` (ms since the epoch: the access token's expiry) and at the
   * first `stillValid()` answering false (a revoked session), asked every `credentialCheckMs`.
   */
  readonly credentials?: (variables: TVars) => StreamCredentials;
  /** How often `credentials().stillValid` is asked. Default 5000 ms. */
  readonly credentialCheckMs?: number;
  /** Streams per customer and in total; more are refused with 429 `TOO_MANY_STREAMS`. */
  readonly limits?: StreamLimits;
  /** The server's clock, sent as `serverTime` in the `ready` event (for a client's clock offset). Default: `Date`. */
  readonly now?: () => Date;
}

export interface StreamCredentials {
  readonly expiresAt?: number;
  readonly stillValid?: () => Promise<boolean>;
}

/** Why the server ended a stream, as its last event says. */
export type StreamEndReason = 'TOKEN_EXPIRED' | 'REVOKED';

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
  const checkMs = options.credentialCheckMs ?? 5_000;
  const slots = createStreamSlots(options.limits);
  const app = new Hono<{ Variables: TVars }>();
  app.get('/stream', options.authenticate, (c) => {
    const customerId = options.customerIdOf(c.var as TVars);
    const credentials = options.credentials?.(c.var as TVars) ?? {};
    // Taken last before the stream starts, whose `finally` gives it back.
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
          // A slow reader gets the latest position, not a backlog of them in front of its admission.
          const earlier = n.supersedes === undefined ? -1 : queue.findIndex((queued) => queued.supersedes === n.supersedes);
          if (earlier >= 0) queue.splice(earlier, 1);
          queue.push(n);
          wake?.();
        },
        lastEventId,
      );
      const stop = () => wake?.();
      stream.onAbort(stop);
      options.shutdownSignal?.addEventListener('abort', stop, { once: true });
      let nextCheck = Date.now() + checkMs;
      let lastWrite = Date.now();
      /** Why the credentials no longer hold, or null while they do. */
      const lapsed = async (): Promise<StreamEndReason | null> => {
        if (credentials.expiresAt !== undefined && Date.now() >= credentials.expiresAt) return 'TOKEN_EXPIRED';
        if (credentials.stillValid === undefined || Date.now() < nextCheck) return null;
        nextCheck = Date.now() + checkMs;
        return (await credentials.stillValid().catch(() => false)) ? null : 'REVOKED';
      };
      try {
        const serverTime = (options.now?.() ?? new Date()).toISOString();
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ customerId, serverTime }) });
        while (!stream.aborted && !stream.closed && !options.shutdownSignal?.aborted) {
          while (queue.length > 0) {
            const n = queue.shift()!;
            await stream.writeSSE({ id: n.id, event: n.event, data: JSON.stringify(n.data) });
            lastWrite = Date.now();
          }
          const ended = await lapsed();
          if (ended !== null) {
            // A stream must not outlive the token that opened it: the client reconnects with a fresh one.
            await stream.writeSSE({ event: 'end', data: JSON.stringify({ reason: ended }) });
            break;
          }
          const untilHeartbeat = lastWrite + heartbeatMs - Date.now();
          const untilExpiry = credentials.expiresAt === undefined ? heartbeatMs : credentials.expiresAt - Date.now();
          const untilCheck = credentials.stillValid === undefined ? heartbeatMs : nextCheck - Date.now();
          const timer = new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, Math.max(0, Math.min(untilHeartbeat, untilExpiry, untilCheck))).unref();
          });
          await timer;
          wake = null;
          // Woken for a credential check or an expiry, the stream stays quiet until a heartbeat is due.
          if (queue.length === 0 && !stream.aborted && Date.now() - lastWrite >= heartbeatMs) {
            await stream.write(': heartbeat\n\n');
            lastWrite = Date.now();
          }
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
