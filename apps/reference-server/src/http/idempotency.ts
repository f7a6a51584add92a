import { createHash } from 'node:crypto';
import type { IdempotencyRecord, IdempotencyStore } from '@limitedcart/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { problemResponse } from './problem.js';

/** What a handler produced, in a form that can be stored and replayed byte for byte. */
export interface StoredResponse {
  readonly status: ContentfulStatusCode;
  /** JSON body; an error status (≥ 400) carries a problem document and is sent as problem+json. */
  readonly body: unknown;
  /**
   * false: the request changed nothing (a business rejection), so the key is freed instead of remembering the
   * answer, and a retry with it is decided again (after a restock it may succeed). Default true.
   */
  readonly remember?: boolean;
}

export interface IdempotentOptions {
  /**
   * Answers a request that would certainly be rejected without changing anything (e.g. a sold-out product),
   * or null to go on. Asked before the key is claimed, so such an attempt costs one read of the key (to replay
   * an earlier answer under it) instead of a claim and its completion. Its answer is never remembered.
   */
  readonly precheck?: () => Promise<StoredResponse | null>;
  /**
   * Asked once the precheck let the request through, before the key is claimed: a response (e.g. 429) ends the
   * request there, null goes on. A rate limit placed here leaves the attempts the precheck answers uncounted:
   * counting them would cost more than answering them.
   */
  readonly admit?: () => Promise<Response | null>;
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY = /^[\x21-\x7e]{1,200}$/;

/** JSON with sorted keys, so the same body in another key order hashes the same. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

export const requestHash = (body: unknown): string => createHash('sha256').update(canonical(body)).digest('hex');

const send = (c: Context, response: StoredResponse): Response =>
  response.status >= 400
    ? c.body(JSON.stringify(response.body), response.status, { 'content-type': 'application/problem+json' })
    : c.json(response.body as object, response.status);

/**
 * Runs `handle` at most once per `Idempotency-Key` within `scope` (scopes include the caller, so two users'
 * keys never collide). Same key and same body → the stored status and body again (`idempotent-replayed: true`);
 * same key with another body → 422 `IDEMPOTENCY_MISMATCH`; while the first request is still running → 409
 * `IDEMPOTENCY_IN_FLIGHT`. Responses of 5xx, answers marked `remember: false` and thrown errors free the key so
 * the client may retry. Without the header the handler simply runs.
 */
export async function idempotent(
  c: Context,
  store: IdempotencyStore,
  scope: string,
  body: unknown,
  handle: () => Promise<StoredResponse>,
  options: IdempotentOptions = {},
): Promise<Response> {
  const key = c.req.header(IDEMPOTENCY_HEADER);
  if (key === undefined) {
    const early = await options.precheck?.();
    if (early) return send(c, early);
    return (await options.admit?.()) ?? send(c, await handle());
  }
  if (!KEY.test(key)) {
    return problemResponse(c, 400, 'VALIDATION', 'Idempotency-Key must be 1-200 visible ASCII characters', {
      errors: [{ in: 'header', field: IDEMPOTENCY_HEADER, message: 'invalid format' }],
    });
  }
  const early = await options.precheck?.();
  if (early) {
    // An earlier request under this key may have been accepted before the product sold out: its answer wins.
    // (The body is hashed only then: most refused attempts carry a fresh key.)
    const record = await store.find(scope, key);
    return record === null ? send(c, early) : answerExisting(c, record, requestHash(body));
  }
  const hash = requestHash(body);
  const refusal = await options.admit?.();
  if (refusal) return refusal;
  const claim = await store.claim(scope, key, hash);
  if (!claim.claimed) return answerExisting(c, claim.record, hash);
  let response: StoredResponse;
  try {
    response = await handle();
  } catch (error) {
    await store.abandon(scope, key);
    throw error;
  }
  if (response.status >= 500 || response.remember === false) await store.abandon(scope, key);
  else await store.complete(scope, key, { status: response.status, body: response.body });
  return send(c, response);
}

/** The answer for a key that already has a record: a mismatch, still in flight, or the stored response. */
function answerExisting(c: Context, record: IdempotencyRecord, hash: string): Response {
  if (record.requestHash !== hash) {
    return problemResponse(c, 422, 'IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was used with a different request body');
  }
  if (record.response === null) {
    return problemResponse(c, 409, 'IDEMPOTENCY_IN_FLIGHT', 'a request with this Idempotency-Key is still being processed');
  }
  c.header('idempotent-replayed', 'true');
  return send(c, { status: record.response.status as ContentfulStatusCode, body: record.response.body });
}
