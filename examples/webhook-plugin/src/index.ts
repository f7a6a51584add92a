/** A LimitedCart plugin that delivers order events as signed webhooks, with retries and backoff. */
export { parseRetryAfter, retryDelay } from './backoff.js';
export { type DeliveryOutcome, deliverWithRetries } from './deliver.js';
export {
  DEFAULT_EVENTS,
  DEFAULT_RETRY,
  type DeliveryFailure,
  type RetryPolicy,
  type WebhookEndpoint,
  type WebhookPluginOptions,
} from './options.js';
export { deliveryIdOf, type WebhookBody, webhookBody } from './payload.js';
export { type SignatureCheck, signPayload, verifySignature, WEBHOOK_HEADERS } from './signature.js';
export { webhookPlugin } from './plugin.js';
