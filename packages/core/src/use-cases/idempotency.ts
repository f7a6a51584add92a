import { createHash } from 'node:crypto';
import { LimitedCartError, validationError } from '../domain/errors.js';
import type { IdempotencyRecord, IdempotencyStore } from '../ports/stores.js';

/** The caller's Idempotency-Key: 1–200 visible ASCII characters. */
const KEY = /^[\x21-\x7e]{1,200}$/;

export function requireIdempotencyKey(value: unknown): string {
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw validationError('idempotencyKey must be 1-200 visible ASCII characters', { field: 'idempotencyKey' });
  }
  return value;
}

/** JSON with sorted keys, so the same request in another key order hashes the same. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/** What a key's request is compared by: the same key with another request is a mismatch. */
export const requestHash = (request: unknown): string => createHash('sha256').update(canonical(request)).digest('hex');

/** One use of an Idempotency-Key: the key within its scope (scopes include the caller) and the request's hash. */
export interface KeyUse {
  readonly scope: string;
  readonly key: string;
  readonly hash: string;
}

/**
 * What an earlier request under the key left: its stored result to replay, or an error when the request differs
 * (`IDEMPOTENCY_MISMATCH`) or is still running (`IDEMPOTENCY_IN_FLIGHT`).
 */
export function storedResult(record: IdempotencyRecord, use: KeyUse): unknown {
  if (record.requestHash !== use.hash) {
    throw new LimitedCartError('IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was used with a different request');
  }
  if (record.response === null) {
    throw new LimitedCartError('IDEMPOTENCY_IN_FLIGHT', 'a request with this Idempotency-Key is still being processed');
  }
  return record.response.body;
}

/** A result to keep under the key (`remember`), or one that changed nothing, after which the key is freed. */
export interface KeyedOutcome<T> {
  readonly value: T;
  /**
   * false: the request changed nothing (a business rejection), so the key is freed instead of remembering the
   * answer, and a retry under it is decided again (after a restock it may succeed).
   */
  readonly remember: boolean;
}

export interface RunOncePerKeyOptions<T> {
  /**
   * How old an in-flight claim must be before a retry takes it over: its request died (its process was killed, or
   * its completion was lost to a database restart). Far above anything one request takes (engine `staleClaimMs`).
   */
  readonly staleAfterMs: number;
  /** Restores what JSON loses (dates) in a stored result. */
  readonly revive: (stored: unknown) => T;
  /**
   * After taking over a stale claim: what the dead request achieved, when its effect committed but its answer was
   * never stored (`null` when it achieved nothing, and the work runs again).
   */
  readonly recover?: () => Promise<T | null>;
}

/**
 * Runs `work` at most once per key use: claims the key, runs, and stores the result to replay (`remember`) or frees
 * the key (a rejection, or a throw). A key already used gives its stored result (`replayed: true`) or the mismatch /
 * in-flight error; a claim left in flight by a request that died is taken over after `staleAfterMs`.
 */
export async function runOncePerKey<T>(
  store: IdempotencyStore,
  use: KeyUse,
  work: () => Promise<KeyedOutcome<T>>,
  options: RunOncePerKeyOptions<T>,
): Promise<{ readonly value: T; readonly replayed: boolean }> {
  const claim = await store.claim(use.scope, use.key, use.hash);
  if (!claim.claimed) {
    const { record } = claim;
    const stale = record.requestHash === use.hash && record.response === null && (await store.reclaim(use.scope, use.key, options.staleAfterMs));
    if (!stale) return { value: options.revive(storedResult(record, use)), replayed: true };
    const recovered = await options.recover?.();
    if (recovered !== null && recovered !== undefined) {
      await store.complete(use.scope, use.key, { status: 200, body: recovered });
      return { value: recovered, replayed: true };
    }
  }
  let outcome: KeyedOutcome<T>;
  try {
    outcome = await work();
  } catch (error) {
    await store.abandon(use.scope, use.key);
    throw error;
  }
  if (outcome.remember) await store.complete(use.scope, use.key, { status: 200, body: outcome.value });
  else await store.abandon(use.scope, use.key);
  return { value: outcome.value, replayed: false };
}
