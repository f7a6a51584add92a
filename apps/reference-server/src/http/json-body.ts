import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './context.js';
import { problemResponse } from './problem.js';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const hasBody = (request: Request): boolean => {
  const length = request.headers.get('content-length');
  if (length !== null) return Number(length) > 0;
  return request.headers.has('transfer-encoding');
};

/**
 * 413 `PAYLOAD_TOO_LARGE` for a body over `maxBytes`. A declared length is checked from the header alone (hono's
 * `bodyLimit` would first turn the Node request into a full web Request with a body stream, which costs more
 * than the rest of a rejected order attempt); a chunked body is counted as it streams in.
 */
export const limitBodySize = (maxBytes: number): MiddlewareHandler<AppEnv> => {
  const tooLarge = (c: Context<AppEnv>) => problemResponse(c, 413, 'PAYLOAD_TOO_LARGE', `request bodies are limited to ${maxBytes} bytes`);
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    if (!WITH_BODY.has(c.req.method)) return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    return Number(length) > maxBytes ? tooLarge(c) : next();
  };
};

/**
 * The API speaks JSON only: a body of another media type is 415, a body that does not parse is 400
 * `MALFORMED_JSON`, before any handler or validator runs. The text is parsed once here only to reject it
 * early; hono caches it, so validators and raw-body readers (webhook signatures) see the original bytes.
 */
export const requireJsonBodies: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!WITH_BODY.has(c.req.method) || !hasBody(c.req.raw)) return next();
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    return problemResponse(c, 415, 'UNSUPPORTED_MEDIA_TYPE', 'request bodies must be application/json');
  }
  const text = await c.req.text();
  if (text.trim() !== '') {
    try {
      JSON.parse(text);
    } catch {
      return problemResponse(c, 400, 'MALFORMED_JSON', 'the request body is not valid JSON');
    }
  }
  await next();
};

/** 400 `VALIDATION` for a request without a body, on routes whose body is required (see `mount`). */
export const requireBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!hasBody(c.req.raw) || (await c.req.text()).trim() === '') {
    return problemResponse(c, 400, 'VALIDATION', 'a JSON request body is required', {
      errors: [{ in: 'json', field: '', message: 'a JSON request body is required' }],
    });
  }
  await next();
};
