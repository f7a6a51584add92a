import type { ClientBase, Pool } from 'pg';

/** Hears a connection fault no caller is waiting on: a connection that dropped while idle. */
export type ConnectionErrorListener = (error: Error) => void;

/** Shared with the pg-boss adapter's copy of these helpers, so a client guarded by both gets one listener. */
const GUARDED = Symbol.for('limitedcart.pg.guarded');

type Guardable = { [GUARDED]?: true };

/**
 * Gives `client` an 'error' listener for the rest of its life. pg-pool takes its own listener off a client while
 * the client is checked out, so a connection the server ends then (57P01 when Postgres stops or restarts) emits
 * 'error' with nobody listening, and Node ends the process. With this listener the fault is only reported: the
 * holder's next statement fails with a retryable error, and a client released with that error is discarded.
 */
export function guardClient<C extends ClientBase>(client: C, onError: ConnectionErrorListener): C {
  const guardable = client as C & Guardable;
  if (guardable[GUARDED]) return client;
  guardable[GUARDED] = true;
  client.on('error', onError);
  return client;
}

/**
 * Guards every client `pool` opens from now on (see `guardClient`) and the pool's own 'error' event, which pg-pool
 * raises for an idle client whose connection dropped (the pool has already discarded it).
 */
export function guardPool(pool: Pool, onError: ConnectionErrorListener): Pool {
  const guardable = pool as Pool & Guardable;
  if (guardable[GUARDED]) return pool;
  guardable[GUARDED] = true;
  pool.on('error', onError);
  pool.on('connect', (client) => guardClient(client, onError));
  return pool;
}

export const ignoreConnectionError: ConnectionErrorListener = () => {};
