import { validationError } from '@limitedcart/core';

export interface WebhookEndpoint {
  /** Stable name of the endpoint: part of its consumer group and of every delivery id. */
  readonly id: string;
  /** http(s) URL receiving POSTs. */
  readonly url: string;
  /** Shared HMAC secret, at least 16 characters. */
  readonly secret: string;
  /** Event types sent to this endpoint. Default `['order.progress']`. */
  readonly events?: readonly string[];
}

export interface RetryPolicy {
  /** Attempts per event and endpoint, the first included. Default 6. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubles per attempt. Default 500 ms. */
  readonly baseDelayMs: number;
  /** Upper bound of one delay (a `Retry-After` is capped by it too). Default 30 s. */
  readonly maxDelayMs: number;
  /** Randomise each delay within its upper half, so endpoints that failed together do not retry together. Default true. */
  readonly jitter: boolean;
}

/** Why an event was not delivered to an endpoint, passed to `onGiveUp`. */
export interface DeliveryFailure {
  readonly endpointId: string;
  readonly deliveryId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly attempts: number;
  /** The last HTTP status, or null when the last attempt got no response. */
  readonly status: number | null;
  readonly error: string;
}

export interface WebhookPluginOptions {
  readonly endpoints: readonly WebhookEndpoint[];
  readonly retry?: Partial<RetryPolicy>;
  /** Per-attempt timeout. Default 10 s. */
  readonly timeoutMs?: number;
  /** Prefix of the consumer groups (one per endpoint: `<prefix>.<endpoint id>`). Default 'webhooks'. */
  readonly groupPrefix?: string;
  /**
   * Aborting it cuts backoff waits and requests short (pass the host's shutdown signal): the event stays
   * unprocessed and a durable bus delivers it again after a restart.
   */
  readonly signal?: AbortSignal;
  /** Called when an event is given up on for an endpoint (after logging it). */
  readonly onGiveUp?: (failure: DeliveryFailure) => void;
  /** The HTTP client; default the global `fetch`. */
  readonly fetch?: typeof fetch;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, jitter: true };
export const DEFAULT_EVENTS: readonly string[] = ['order.progress'];
const ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

const positiveInteger = (value: number, field: string): number => {
  if (!Number.isSafeInteger(value) || value <= 0) throw validationError(`webhooks: ${field} must be a positive integer`, { field });
  return value;
};

/** Checks options once, when the plugin is created, so a typo fails at boot rather than at the first order. */
export function resolveOptions(options: WebhookPluginOptions) {
  if (!Array.isArray(options.endpoints) || options.endpoints.length === 0) {
    throw validationError('webhooks: at least one endpoint is required');
  }
  const ids = new Set<string>();
  const endpoints = options.endpoints.map((endpoint) => {
    if (!ID_PATTERN.test(endpoint.id)) throw validationError(`webhooks: endpoint id ${endpoint.id} must match ${ID_PATTERN}`);
    if (ids.has(endpoint.id)) throw validationError(`webhooks: endpoint id ${endpoint.id} is used twice`);
    ids.add(endpoint.id);
    const url = URL.canParse(endpoint.url) ? new URL(endpoint.url) : null;
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw validationError(`webhooks: endpoint ${endpoint.id} needs an http(s) url`);
    }
    if (typeof endpoint.secret !== 'string' || endpoint.secret.length < 16) {
      throw validationError(`webhooks: endpoint ${endpoint.id} needs a secret of at least 16 characters`);
    }
    return { ...endpoint, events: endpoint.events ?? DEFAULT_EVENTS };
  });
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  positiveInteger(retry.maxAttempts, 'retry.maxAttempts');
  positiveInteger(retry.baseDelayMs, 'retry.baseDelayMs');
  positiveInteger(retry.maxDelayMs, 'retry.maxDelayMs');
  return {
    endpoints,
    retry,
    timeoutMs: positiveInteger(options.timeoutMs ?? 10_000, 'timeoutMs'),
    groupPrefix: options.groupPrefix ?? 'webhooks',
    signal: options.signal,
    onGiveUp: options.onGiveUp,
    fetch: options.fetch ?? globalThis.fetch,
  };
}

export type ResolvedOptions = ReturnType<typeof resolveOptions>;
export type ResolvedEndpoint = ResolvedOptions['endpoints'][number];
