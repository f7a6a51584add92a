import { LimitedCartError } from '@limitedcart/core';

/** Node-level network failures: the database is unreachable, not wrong. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** What node-postgres says when a connection is gone or cannot be had. */
const CONNECTION_LOST = /Connection terminated|not queryable|Client was closed|timeout exceeded when trying to connect|Cannot use a pool after/i;

/**
 * A fault under one of the runner's public calls in the engine's vocabulary: a database that cannot be reached or
 * dropped the connection (SQLSTATE classes 08, 53, 57P, the network codes), a serialisation failure or a deadlock
 * is `INFRASTRUCTURE`, which callers retry and the HTTP edge answers with 503. Anything else passes through.
 */
export function asRunnerError(error: unknown, what: string): unknown {
  if (error instanceof LimitedCartError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const transient =
    (typeof code === 'string' && (NETWORK_CODES.has(code) || /^(08|53|57P|40001|40P01)/.test(code))) || CONNECTION_LOST.test(message);
  if (!transient) return error;
  return new LimitedCartError('INFRASTRUCTURE', `${what}: ${message}`, {
    cause: error,
    ...(typeof code === 'string' ? { details: { code } } : {}),
  });
}
