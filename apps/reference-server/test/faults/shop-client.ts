import { randomBytes } from 'node:crypto';
import type { Json } from '../support.js';

/** One HTTP answer; `status` 0 when nothing answered (refused, reset, timed out). */
export interface Answer {
  readonly status: number;
  readonly body: Json;
}

/** Statuses a shopper's client retries with the same request (and Idempotency-Key). */
const TRANSIENT = new Set([0, 408, 425, 429, 500, 502, 503, 504]);

/** A retry pause of a shopper's client, jittered so retries after an outage do not arrive in lockstep. */
const backoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random())));

/** One request as the client saw it, for rows that judge how a process answered around a fault. */
export interface CallRecord {
  readonly baseUrl: string;
  readonly method: string;
  readonly path: string;
  readonly sentAt: number;
  readonly status: number;
  /** From sending to the whole answer (or the failure). */
  readonly durationMs: number;
  /** The problem document's `code`, for error answers. */
  readonly code?: string;
}

export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
}

/**
 * An HTTP client for the api process that is current right now (`baseUrl()` changes when a row replaces a killed
 * api). `retry` behaves like a well-behaved shopper's app: the same request with the same Idempotency-Key again
 * after a transient failure, until a definitive answer or its deadline.
 */
export function shopClient(baseUrl: () => string, onCall?: (record: CallRecord) => void) {
  const call = async (method: string, path: string, options: CallOptions = {}): Promise<Answer> => {
    const answer = await send(baseUrl(), method, path, options);
    onCall?.(answer.record);
    return answer;
  };

  const send = async (base: string, method: string, path: string, options: CallOptions): Promise<Answer & { record: CallRecord }> => {
    const sentAt = Date.now();
    const record = (status: number, body?: unknown): CallRecord => {
      const code = (body as { code?: unknown } | null | undefined)?.code;
      return { baseUrl: base, method, path, sentAt, status, durationMs: Date.now() - sentAt, ...(typeof code === 'string' ? { code } : {}) };
    };
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        // Not JSON: keep the text for the failure message.
      }
      return { status: response.status, body, record: record(response.status, body) };
    } catch (error) {
      return { status: 0, body: { error: error instanceof Error ? error.message : String(error) }, record: record(0) };
    }
  };

  /**
   * Repeats the call while the answer is transient (or `409 IDEMPOTENCY_IN_FLIGHT`, an earlier attempt still
   * running); returns the first definitive answer, or the last transient one at the deadline.
   */
  const retry = async (method: string, path: string, options: CallOptions, deadlineMs: number): Promise<Answer> => {
    for (let attempt = 0; ; attempt += 1) {
      const answer = await call(method, path, options);
      const inFlight = answer.status === 409 && answer.body?.code === 'IDEMPOTENCY_IN_FLIGHT';
      if ((!TRANSIENT.has(answer.status) && !inFlight) || Date.now() >= deadlineMs) return answer;
      await backoff(attempt);
    }
  };

  return { call, retry };
}

export type ShopClient = ReturnType<typeof shopClient>;

export interface Shopper {
  readonly email: string;
  readonly token: string;
}

/** Registers and logs in `count` shoppers over HTTP, a few at a time (password hashing is the slow part). */
export async function registerShoppers(shop: ShopClient, count: number, tag: string): Promise<Shopper[]> {
  const password = 'fault-shopper-1';
  const deadline = Date.now() + 60_000;
  return mapLimit(Array.from({ length: count }, (_, index) => index), 8, async (index) => {
    const email = `shopper-${tag}-${index}@example.com`;
    const registered = await shop.retry('POST', '/api/auth/register', { body: { email, password } }, deadline);
    if (registered.status !== 201 && registered.status !== 409) throw new Error(`register ${email}: ${JSON.stringify(registered)}`);
    return { email, token: await login(shop, email, password, deadline) };
  });
}

export async function login(shop: ShopClient, email: string, password: string, deadlineMs = Date.now() + 30_000): Promise<string> {
  const answer = await shop.retry('POST', '/api/auth/login', { body: { email, password } }, deadlineMs);
  if (answer.status !== 200) throw new Error(`login ${email}: ${JSON.stringify(answer)}`);
  return answer.body.accessToken as string;
}

/** A product on sale now, `limit` per shopper (0: no limit), with `units` restocked once. */
export async function stockedProduct(shop: ShopClient, adminToken: string, units: number, limit = 1): Promise<string> {
  const deadline = Date.now() + 30_000;
  const created = await shop.retry(
    'POST',
    '/api/products',
    {
      token: adminToken,
      idempotencyKey: `product-${randomBytes(6).toString('hex')}`,
      body: { name: 'Fault drop', description: 'fault battery', price: { amount: 2_500, currency: 'USD' }, maxQuantityPerCustomer: limit },
    },
    deadline,
  );
  if (created.status !== 201) throw new Error(`create product: ${JSON.stringify(created)}`);
  const productId = created.body.product.id as string;
  const restocked = await shop.retry(
    'POST',
    '/api/inventory/restock',
    { token: adminToken, idempotencyKey: `restock-${productId}`, body: { productId, quantity: units } },
    deadline,
  );
  if (restocked.status !== 200) throw new Error(`restock: ${JSON.stringify(restocked)}`);
  return productId;
}

/** `work` over `items` with at most `limit` running at once; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!, index);
  });
  await Promise.all(lanes);
  return results;
}
