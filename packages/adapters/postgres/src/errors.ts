import { LimitedCartError } from '@limitedcart/core';

/** Node-level network failures: the database is unreachable, not wrong. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

const sqlState = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Translates a `pg` failure into the engine's error vocabulary. SQLSTATEs decide: lock/statement timeouts are
 * `TIMEOUT`, lost connections and serialisation failures `INFRASTRUCTURE` (both retryable), constraint and
 * data errors `VALIDATION`, unique violations `CONFLICT`, a missing schema object a setup defect (`INTERNAL`).
 *
 * `CONFLICT` and `VALIDATION` are what a caller's own input can cause (a NUL byte, a value out of range, a taken
 * key), and their messages reach callers (HTTP 4xx bodies): they say what was refused in the engine's words only.
 * The database's text, which names tables, constraints and encodings, stays in `cause` for logs.
 */
export const toLimitedCartError = (error: unknown, what: string): LimitedCartError => {
  if (error instanceof LimitedCartError) return error;
  const code = sqlState(error);
  const message = error instanceof Error ? error.message : String(error);
  const make = (kind: LimitedCartError['code'], text: string) =>
    new LimitedCartError(kind, `${what}: ${text}`, { cause: error, details: code ? { code } : undefined });
  const refused = (kind: 'CONFLICT' | 'VALIDATION', text: string) => new LimitedCartError(kind, `${what}: ${text}`, { cause: error });
  if (code === '23505') return refused('CONFLICT', 'conflicts with an existing record');
  if (code === '55P03' || code === '57014') return make('TIMEOUT', message);
  if (code === '40001' || code === '40P01') return make('INFRASTRUCTURE', message);
  if (code === '42P01' || code === '3F000' || code === '42883') {
    return make('INTERNAL', `${message} (has migrate() run for this schema?)`);
  }
  if (code?.startsWith('22')) return refused('VALIDATION', 'a value is not valid (bad encoding, too large or malformed)');
  if (code?.startsWith('23')) return refused('VALIDATION', 'a value breaks a rule of the stored data');
  if (code !== undefined && (code.startsWith('08') || code.startsWith('53') || code.startsWith('57P'))) {
    return make('INFRASTRUCTURE', message);
  }
  if (code !== undefined && NETWORK_CODES.has(code)) return make('INFRASTRUCTURE', message);
  if (/connection|terminated|timeout exceeded when trying to connect|Client was closed|Cannot use a pool after/i.test(message)) {
    return make('INFRASTRUCTURE', message);
  }
  return make('INTERNAL', message);
};

/** Whether the connection that produced `error` should be thrown away rather than returned to the pool. */
export const isConnectionBroken = (error: unknown): boolean => {
  const original = error instanceof LimitedCartError ? error.cause : error;
  if (original === undefined) return false;
  const mapped = toLimitedCartError(original, 'query');
  return mapped.code === 'INFRASTRUCTURE' && !['40001', '40P01'].includes(sqlState(original) ?? '');
};

/** `error` as an `Error`, for APIs that take one (DataLoader's per-key failures, `client.release`). */
export const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
