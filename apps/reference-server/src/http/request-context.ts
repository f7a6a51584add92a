import type { Logger } from '@limitedcart/core';
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { AppEnv } from './context.js';

/** Request ids (`x-request-id`, taken from the caller when well-formed) and a logger carrying them. */
export const requestIds = (): MiddlewareHandler<AppEnv> => requestId({ headerName: 'x-request-id', limitLength: 100 });

/** One structured line per request, with the request id; the per-request logger goes into `c.var.log`. */
export const requestLog =
  (logger: Logger): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const log = logger.child({ requestId: c.get('requestId') });
    c.set('log', log);
    const started = performance.now();
    await next();
    const fields = {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (c.res.status >= 500) log.error('request', fields);
    else log.info('request', fields);
  };
