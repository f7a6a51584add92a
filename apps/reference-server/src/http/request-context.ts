import type { Logger } from '@limitedcart/core';
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { AppEnv } from './context.js';

/** Request ids (`x-request-id`, taken from the caller when well-formed) and a logger carrying them. */
export const requestIds = (): MiddlewareHandler<AppEnv> => requestId({ headerName: 'x-request-id', limitLength: 100 });

/**
 * A request's own logger, made on first use: nearly every request logs nothing through it, and making a child
 * logger per request was a measurable share of a refused order attempt.
 */
class RequestLogger implements Logger {
  #logger: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly fields: Record<string, unknown>,
  ) {}

  get #child(): Logger {
    this.#logger ??= this.parent.child(this.fields);
    return this.#logger;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.#child.debug(message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.#child.info(message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.#child.warn(message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.#child.error(message, fields);
  }

  child(fields: Record<string, unknown>): Logger {
    return this.#child.child(fields);
  }
}

/** One structured line per request, with the request id; the per-request logger goes into `c.var.log`. */
export const requestLog =
  (logger: Logger): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const id = c.get('requestId');
    c.set('log', new RequestLogger(logger, { requestId: id }));
    const started = performance.now();
    await next();
    const fields = {
      requestId: id,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (c.res.status >= 500) logger.error('request', fields);
    else logger.info('request', fields);
  };
