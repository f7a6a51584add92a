import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

/**
 * While the server drains (`isAccepting()` false), every response carries `Connection: close`, so Node ends each
 * keep-alive connection once its request in flight is answered. Without it, a client's keep-alive connections
 * kept being served (new orders taken) until the grace period ran out and the connections were cut; with it,
 * each connection carries at most the request it already has, and the client reconnects to another replica
 * (the listener no longer accepts). Requests are still answered, not refused: the payment gateway's webhooks to
 * this replica must land while it settles them.
 */
export function closeConnectionsWhenDraining(isAccepting: () => boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (!isAccepting()) c.header('Connection', 'close');
  };
}
