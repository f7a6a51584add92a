import { validationError } from '@limitedcart/core';
import type { Context } from 'hono';

/**
 * The request body as an object. Field-level checks are left to the use cases, which validate their
 * input once at the engine's boundary; here only "is it a JSON object" is decided.
 */
export async function jsonObject(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw validationError('the request body must be a JSON object');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError('the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
