import type { OpenAPIHono } from '@hono/zod-openapi';
import { sseRoutes } from '@limitedcart/plugin-sse-notifications';
import { authenticate } from '../http/auth.js';
import type { AppDeps, AppEnv, AppVariables } from '../http/context.js';
import { AUTH_PROBLEMS, BEARER, problem } from './schemas.js';

/** GET /stream: the caller's `order.progress` events as server-sent events (the sse-notifications plugin). */
export function notificationRoutes(deps: AppDeps) {
  return sseRoutes<AppVariables>(deps.engine, {
    authenticate: authenticate(deps.auth.tokens, { allowQueryToken: true }),
    customerIdOf: (variables) => variables.principal.customerId,
    // The stream ends when its access token expires and, checked every second against the token checks' cache
    // (no database round trip), when its session is revoked or its account changed.
    credentials: (variables) => ({
      expiresAt: variables.principal.expiresAt,
      stillValid: () => deps.auth.tokens.verify(variables.accessToken).then(() => true),
    }),
    credentialCheckMs: 1_000,
    shutdownSignal: deps.shutdownSignal,
    ...(deps.sseLimits === undefined ? {} : { limits: deps.sseLimits }),
    ...(deps.heartbeatMs === undefined ? {} : { heartbeatMs: deps.heartbeatMs }),
  });
}

/** The stream is a plain Hono route (no JSON schema); it is added to the OpenAPI document by hand. */
export function documentNotificationStream(app: OpenAPIHono<AppEnv>, path: string): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path,
    tags: ['notifications'],
    summary: "The caller's order progress and waiting-room events as server-sent events",
    description:
      'Events `order.progress`, `order.hold-extended` and `order.payment-failed` with `id:` lines; reconnect with `Last-Event-ID` (or `?lastEventId=`) to replay ' +
      'what was missed. Browsers may pass the token as `?access_token=` since EventSource cannot set headers. ' +
      'Every event is `{orderId, customerId, status, reason, holdUntil, at}` (`holdUntil`: the order\'s current hold ' +
      'end). `order.progress` reports a status transition; `order.hold-extended` reports that a payment starting ' +
      'near the end of the hold extended it (`holdUntil` is the new end; the status did not change); ' +
      '`order.payment-failed` reports a failed payment attempt, with `paymentFailure: {paymentId, status: ' +
      '"DECLINED"|"ERROR", reason}`: the order stays `PAYMENT_PENDING`, payable again until `holdUntil`. ' +
      'For the queues of drops the caller waits in, the stream also carries (with `id:` lines and the same replay): ' +
      '`queue.position` `{productId, position, waiting, estimatedWaitSeconds}` when their place changes (at most once ' +
      'per admitter round); `queue.admitted` `{productId, admittedUntil, admissionToken}`: order now with the token; ' +
      '`queue.lapsed` `{productId}`: the admission ran out unused, the turn went to the next shopper; ' +
      '`queue.sold-out` `{productId}`: the drop sold out while the caller was waiting. ' +
      "A `ready` event (`{customerId, serverTime}`, the server's time) opens the stream; comment heartbeats keep it " +
      'alive; the stream is never compressed. The stream ends with an `end` event ' +
      '(`{"reason":"TOKEN_EXPIRED"|"REVOKED"}`) when the access token expires or its session is revoked: reconnect ' +
      'with a fresh token.',
    security: BEARER,
    responses: {
      200: { description: 'An event stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      ...AUTH_PROBLEMS,
      429: problem('Too many streams open for this account or on this server (`TOO_MANY_STREAMS`); close one, or retry later.'),
    },
  });
}
