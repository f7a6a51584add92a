import type { DomainEvent, Logger } from '@limitedcart/core';
import { parseRetryAfter, retryDelay, sleep } from './backoff.js';
import type { DeliveryFailure, ResolvedEndpoint, RetryPolicy } from './options.js';
import { deliveryIdOf, webhookBody } from './payload.js';
import { signPayload, WEBHOOK_HEADERS } from './signature.js';

export interface DeliveryDeps {
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
  readonly logger: Logger;
  readonly signal?: AbortSignal | undefined;
  readonly now?: () => Date;
}

export type DeliveryOutcome =
  | { readonly delivered: true; readonly deliveryId: string; readonly attempts: number; readonly status: number }
  | ({ readonly delivered: false } & DeliveryFailure);

type AttemptResult =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'retry'; readonly status: number | null; readonly error: string; readonly retryAfter: number | null }
  | { readonly kind: 'permanent'; readonly status: number; readonly error: string };

/** Statuses worth another attempt: the receiver may recover. Any other 4xx means the request itself is refused. */
const retryable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/**
 * Delivers one event to one endpoint: POST, signed, up to `retry.maxAttempts` times with exponential
 * backoff. Resolves with the outcome; it gives up (never throws) on a permanent refusal or when the attempts
 * run out, so a dead endpoint cannot make the bus redeliver forever. Only an abort of `signal` rejects.
 */
export async function deliverWithRetries(endpoint: ResolvedEndpoint, event: DomainEvent, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const deliveryId = deliveryIdOf(endpoint.id, event.id);
  const body = JSON.stringify(webhookBody(event));
  const log = deps.logger.child({ endpointId: endpoint.id, deliveryId, eventId: event.id });
  let last: Exclude<AttemptResult, { kind: 'delivered' }> | undefined;
  let attempts = 0;

  for (let attempt = 1; attempt <= deps.retry.maxAttempts; attempt += 1) {
    const result = await attemptOnce(endpoint, event, body, deliveryId, attempt, deps);
    attempts = attempt;
    if (result.kind === 'delivered') {
      if (attempt > 1) log.info('webhook delivered after retries', { attempts: attempt });
      return { delivered: true, deliveryId, attempts: attempt, status: result.status };
    }
    last = result;
    if (result.kind === 'permanent' || attempt === deps.retry.maxAttempts) break;
    const delayMs = retryDelay(attempt, deps.retry, result.retryAfter);
    log.warn('webhook attempt failed; retrying', { attempt, status: result.status, error: result.error, delayMs });
    await sleep(delayMs, deps.signal);
  }

  const failure: DeliveryFailure = {
    endpointId: endpoint.id,
    deliveryId,
    eventId: event.id,
    eventType: event.type,
    attempts,
    status: last?.status ?? null,
    error: last?.error ?? 'no attempt made',
  };
  log.error('webhook given up', { ...failure });
  return { delivered: false, ...failure };
}

async function attemptOnce(
  endpoint: ResolvedEndpoint,
  event: DomainEvent,
  body: string,
  deliveryId: string,
  attempt: number,
  deps: DeliveryDeps,
): Promise<AttemptResult> {
  deps.signal?.throwIfAborted();
  const timestamp = Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);
  const timeout = AbortSignal.timeout(deps.timeoutMs);
  let response: Response;
  try {
    response = await deps.fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'LimitedCart-Webhooks/1',
        [WEBHOOK_HEADERS.signature]: signPayload(endpoint.secret, body, timestamp),
        [WEBHOOK_HEADERS.deliveryId]: deliveryId,
        [WEBHOOK_HEADERS.eventId]: event.id,
        [WEBHOOK_HEADERS.eventType]: event.type,
        [WEBHOOK_HEADERS.attempt]: String(attempt),
      },
      body,
      signal: deps.signal === undefined ? timeout : AbortSignal.any([deps.signal, timeout]),
      redirect: 'manual',
    });
  } catch (error) {
    // Shutdown is not a delivery failure: let it unwind the handler.
    deps.signal?.throwIfAborted();
    return { kind: 'retry', status: null, error: error instanceof Error ? error.message : String(error), retryAfter: null };
  }
  // The body is not read: only the status matters, and an unread body would hold the connection.
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return { kind: 'delivered', status: response.status };
  const error = `HTTP ${response.status}`;
  if (retryable(response.status)) {
    return { kind: 'retry', status: response.status, error, retryAfter: parseRetryAfter(response.headers.get('retry-after')) };
  }
  return { kind: 'permanent', status: response.status, error };
}
