import type { Hook } from '@hono/zod-openapi';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './context.js';
import { errorToProblem, problemResponse } from './problem.js';

interface ZodIssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  /** Set on `unrecognized_keys` issues. */
  readonly keys?: readonly string[];
}

const fieldOf = (issue: ZodIssueLike): string =>
  [...issue.path.map(String), ...(issue.keys && issue.keys.length > 0 ? [issue.keys.join(',')] : [])].join('.');

/** Schema failures as 400 `VALIDATION`, one entry per offending field. */
// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of every input and output type.
export const validationHook: Hook<any, AppEnv, any, any> = (result, c) => {
  if (result.success) return;
  const issues = (result.error as { issues: ZodIssueLike[] }).issues;
  const errors = issues.map((issue) => ({
    in: result.target,
    field: fieldOf(issue),
    message: issue.message,
    ...(issue.code ? { rule: issue.code } : {}),
  }));
  const summary = errors.map((error) => (error.field ? `${error.field}: ${error.message}` : error.message)).join('; ');
  return problemResponse(c, 400, 'VALIDATION', summary, { errors });
};

/** Every thrown error ends here as problem+json; 5xx are logged with the request id, 4xx are not noise. */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof HTTPException) return httpExceptionProblem(c, error);
  const response = errorToProblem(c, error);
  if (response.status >= 500) c.get('log')?.error('request failed', { error, path: c.req.path });
  return response;
};

function httpExceptionProblem(c: Context<AppEnv>, error: HTTPException): Response {
  const status = error.status as ContentfulStatusCode;
  if (status === 400 && /malformed json/i.test(error.message)) {
    return problemResponse(c, 400, 'MALFORMED_JSON', 'the request body is not valid JSON');
  }
  if (status === 413) return problemResponse(c, 413, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
  return problemResponse(c, status, status >= 500 ? 'INTERNAL' : 'BAD_REQUEST', error.message || undefined);
}

export const notFoundProblem: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, 404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`);
