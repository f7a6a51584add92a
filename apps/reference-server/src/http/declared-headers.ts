import type { z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';
import { validationHook } from './errors.js';

/**
 * Validates a route's header schema from the headers it declares, each read by name. hono's `header` validator
 * asks for every header at once, which builds a full web `Headers` copy of the request's headers: on the order
 * route that copy cost more than the rest of the header handling. Unknown headers are not part of the result
 * either way (object schemas strip them), so the validated value is the same. Names must be lower case.
 */
export const declaredHeaders = (schema: z.ZodObject): MiddlewareHandler<AppEnv> => {
  const names = Object.keys(schema.shape);
  return async (c, next) => {
    const value: Record<string, string> = {};
    for (const name of names) {
      const header = c.req.header(name);
      if (header !== undefined) value[name] = header;
    }
    const result = await schema.safeParseAsync(value);
    if (!result.success) {
      const refusal = await validationHook({ ...result, target: 'header' }, c);
      if (refusal) return refusal;
    }
    c.req.addValidatedData('header', result.data as Record<string, unknown>);
    await next();
  };
};
