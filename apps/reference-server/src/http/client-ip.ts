import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import proxyAddr from 'proxy-addr';

/**
 * The caller's address for per-IP limits. `trustedProxies` is how many proxies in front of the server append to
 * X-Forwarded-For (TRUST_PROXY): the address is the right-most hop none of them wrote, counted from the socket
 * peer (proxy-addr, as Express's `trust proxy` hop count does). Everything left of it was written by the client,
 * so it is never read: a client could otherwise pick its own bucket by sending the header. With 0 the socket
 * peer is the client.
 */
export function clientIp(c: Context, trustedProxies: number): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  // Not served by @hono/node-server (e.g. app.request in a unit test): one shared bucket.
  if (incoming === undefined) return 'unknown';
  return proxyAddr(incoming, (_address, hop) => hop < trustedProxies) || 'unknown';
}
