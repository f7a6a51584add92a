import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';

export interface DrainOptions {
  /** How long requests in flight get before the connections left are cut. */
  readonly graceMs: number;
  /**
   * How long keep-alive connections that look idle stay open once the listener is closed. A request a client sent
   * just before the stop can sit unread in its socket while the event loop is busy; closing the "idle" connection
   * then drops it unanswered. Default: 1 s, or the grace if shorter.
   */
  readonly lingerMs?: number;
}

/** How often, after the linger, connections that have become idle are closed. */
const SWEEP_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Drains `server` for a graceful stop: stops accepting connections at once, answers every request already sent,
 * closes keep-alive connections once they are idle — only after `lingerMs`, so a request that arrived but was not
 * yet read is answered, not lost — and cuts whatever is left after `graceMs`. Pair it with
 * `closeConnectionsWhenDraining`, which ends each busy connection after its response. Resolves true when every
 * connection ended within the grace.
 *
 * `http.Server#close` is not used: besides closing the listener it destroys every connection it considers idle
 * there and then, which is exactly how requests sent just before a stop were lost.
 */
export async function drainHttpServer(server: Server, { graceMs, lingerMs = Math.min(1_000, graceMs) }: DrainOptions): Promise<boolean> {
  const deadline = Date.now() + graceMs;
  const closed = new Promise<true>((resolve) => {
    NetServer.prototype.close.call(server, () => resolve(true));
  });
  if (await Promise.race([closed, sleep(lingerMs).then(() => false)])) return true;

  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
  try {
    const drained = await Promise.race([closed, sleep(Math.max(0, deadline - Date.now())).then(() => false)]);
    if (!drained) {
      server.closeAllConnections();
      await closed;
    }
    return drained;
  } finally {
    clearInterval(sweep);
  }
}
