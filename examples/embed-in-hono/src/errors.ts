import { isLimitedCartError, type LimitedCartErrorCode } from '@limitedcart/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** HTTP status of each LimitedCart error code. Business rejections never get here: they are typed results. */
const STATUS: Readonly<Record<LimitedCartErrorCode, ContentfulStatusCode>> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ILLEGAL_TRANSITION: 409,
  IDEMPOTENCY_MISMATCH: 422,
  IDEMPOTENCY_IN_FLIGHT: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  INFRASTRUCTURE: 503,
  TIMEOUT: 504,
};

/** An RFC 9457 problem response with a stable `code`, as the reference server answers. */
export const problem = (c: Context, status: ContentfulStatusCode, code: string, detail?: string): Response =>
  c.json({ type: 'about:blank', title: code, status, code, ...(detail === undefined ? {} : { detail }) }, status, {
    'content-type': 'application/problem+json',
  });

/**
 * The `onError` of the LimitedCart routes: engine errors keep their code, anything else is a 500 whose
 * details stay in the log.
 */
export const limitedCartErrorResponse = (error: unknown, c: Context): Response => {
  if (isLimitedCartError(error)) {
    const status = STATUS[error.code];
    return problem(c, status, error.code, status >= 500 ? undefined : error.message);
  }
  console.error('unhandled error in a LimitedCart route', error);
  return problem(c, 500, 'INTERNAL');
};
