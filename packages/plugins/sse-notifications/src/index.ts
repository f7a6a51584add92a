/**
 * `@limitedcart/plugin-sse-notifications`: server-sent order progress with replay and heartbeats. `sse()` is the
 * plugin; `sseRoutes(engine, ...)` the Hono route.
 */
export { createNotificationHub, type Notification, type NotificationHub, type NotificationListener } from './hub.js';
export { NOTIFICATIONS, type SseOptions, type SseRoutesOptions, sse, sseRoutes } from './plugin.js';
export { notificationsRoute, type StreamCredentials, type StreamEndReason, type StreamRouteOptions } from './stream-route.js';
export { DEFAULT_STREAM_LIMITS, type StreamLimits } from './stream-slots.js';
