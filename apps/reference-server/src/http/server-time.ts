import type { Engine } from '@limitedcart/core';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

/**
 * The server's time on every response, in milliseconds since the epoch, read from the engine's clock (the one holds
 * and deadlines are set on) as the response leaves the handler. The `Date` header has whole seconds only; with this a
 * client computes its clock offset as `serverTime - (requestSent + responseReceived) / 2`, to within half a round trip.
 */
export const SERVER_TIME_HEADER = 'X-Server-Time';

export const serverTimeHeader =
  (engine: Engine): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    await next();
    c.res.headers.set(SERVER_TIME_HEADER, String(engine.useCases.now().getTime()));
  };
