import { LimitedCartError, type LimitedCartErrorCode } from '@limitedcart/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** RFC 9457 problem details, with a stable machine-readable `code`. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

const STATUS_BY_CODE: Record<LimitedCartErrorCode, ContentfulStatusCode> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ILLEGAL_TRANSITION: 409,
  IDEMPOTENCY_MISMATCH: 422,
  IDEMPOTENCY_IN_FLIGHT: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  INFRASTRUCTURE: 503,
  TIMEOUT: 503,
  INTERNAL: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The problem document itself, for responses that are stored and replayed (idempotency). */
export function problemBody(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  detail?: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return {
    type: `https://limitedcart.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    ...(detail ? { detail } : {}),
    instance: c.req.path,
    ...extensions,
  };
}

export function problemResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  detail?: string,
  extensions: Record<string, unknown> = {},
): Response {
  const body = problemBody(c, status, code, detail, extensions);
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json' });
}

/**
 * An HTTP-level answer thrown from a handler: expected outcomes with their own codes (`OUT_OF_STOCK`,
 * `NOT_CANCELLABLE`, `EMAIL_TAKEN`...) that core reports as typed results and the edge turns into statuses.
 */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? code);
  }
}

/** Maps any thrown error to problem+json. Infrastructure detail is never leaked to clients. */
export function errorToProblem(c: Context, error: unknown): Response {
  if (error instanceof ApiProblem) return problemResponse(c, error.status, error.code, error.detail, error.extensions);
  if (error instanceof LimitedCartError) {
    const status = STATUS_BY_CODE[error.code];
    const detail = status >= 500 ? 'the service is temporarily unavailable' : error.message;
    const extensions = status < 500 && error.details ? { details: error.details } : {};
    return problemResponse(c, status, error.code, detail, extensions);
  }
  return problemResponse(c, 500, 'INTERNAL', 'unexpected error');
}
