import type { ClientBase, Pool } from 'pg';

/** Hears a connection fault no caller is waiting on: a connection that dropped while idle. */
export type ConnectionErrorListener = (error: Error) => void;

/**
 * Shared with the Postgres adapter's twin of these helpers (adapters do not import each other), so a client
 * guarded by both gets one listener.
 */
const GUARDED = Symbol.for('limitedcart.pg.guarded');

type Guardable = { [GUARDED]?: true };

/**
 * Gives `client` an 'error' listener for the rest of its life. pg-pool takes its own listener off a client while
 * the client is checked out, so a connection the server ends then (57P01 when Postgres stops or restarts; a saga
 * lock connection sits checked out and idle for a whole advance) emits 'error' with nobody listening, and Node
 * ends the process. With this listener the fault is only reported: the holder's next statement fails, and a
 * client released with that error is discarded.
 */
export function guardClient<C extends ClientBase>(client: C, onError: ConnectionErrorListener): C {
  const guardable = client as C & Guardable;
  if (guardable[GUARDED]) return client;
  guardable[GUARDED] = true;
  client.on('error', onError);
  return client;
}

/** Guards every client `pool` opens from now on, and the pool's own 'error' event (an idle client dropped). */
export function guardPool(pool: Pool, onError: ConnectionErrorListener): Pool {
  const guardable = pool as Pool & Guardable;
  if (guardable[GUARDED]) return pool;
  guardable[GUARDED] = true;
  pool.on('error', onError);
  pool.on('connect', (client) => guardClient(client, onError));
  return pool;
}

export const ignoreConnectionError: ConnectionErrorListener = () => {};
