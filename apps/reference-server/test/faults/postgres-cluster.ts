import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { waitFor } from '@limitedcart/core/testing';
import pg from 'pg';

const run = promisify(execFile);

/**
 * A Postgres cluster of the fault suite's own (Debian's `pg_createcluster`), on its own port: the rows stop,
 * kill and restart it, which must never touch the shared cluster every other suite uses.
 */
export interface PrivateCluster {
  readonly url: string;
  /** `pg_ctlcluster stop -m fast`: every session is terminated with 57P01. */
  stopFast(): Promise<void>;
  /** SIGKILL to the postmaster alone; its backends notice and exit by themselves. */
  killPostmaster(): Promise<void>;
  /** Starts it again once the previous postmaster is gone. */
  start(): Promise<void>;
  /** Stops and deletes it. */
  drop(): Promise<void>;
}

/** Creates and starts a cluster named `name` on `port` with trust auth on 127.0.0.1. */
export async function createPrivateCluster(version: string, name: string, port: number): Promise<PrivateCluster> {
  // A cluster left behind by an interrupted run would hold the port.
  await run('pg_dropcluster', [version, name, '--stop']).catch(() => undefined);
  const created = run('pg_createcluster', [
    version,
    name,
    '--port',
    String(port),
    // Enough connections for an api and a worker process (pools, the saga lock pool, LISTEN connections).
    '-o',
    'max_connections=300',
    // Durability against an OS crash is not under test (a killed postmaster keeps the page cache), speed is.
    '-o',
    'fsync=off',
    '--start',
    '--',
    '--auth-local=trust',
    '--auth-host=trust',
  ]);
  // A cluster created but not started is removed again, so the next run does not trip over it.
  await created.catch(async (error: unknown) => {
    await run('pg_dropcluster', [version, name, '--stop']).catch(() => undefined);
    throw error;
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const dataDir = `/var/lib/postgresql/${version}/${name}`;
  const ctl = (...args: string[]) => run('pg_ctlcluster', [version, name, ...args]);
  const answers = async (): Promise<boolean> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    // A refused connection errors the client; the rejection of connect() is what we look at.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  await waitFor(answers, { timeoutMs: 20_000, intervalMs: 100, message: `private cluster ${name} to answer` });

  let lastPostmaster: number | undefined;
  return {
    url,
    async stopFast() {
      await ctl('stop', '-m', 'fast');
    },
    async killPostmaster() {
      const pid = Number((await readFile(`${dataDir}/postmaster.pid`, 'utf8')).split('\n')[0]);
      lastPostmaster = pid;
      process.kill(pid, 'SIGKILL');
    },
    async start() {
      // A killed postmaster stays in the process table until reaped; its socket lock file names it until then.
      const gone = lastPostmaster;
      if (gone !== undefined) {
        await waitFor(() => !isAlive(gone), { timeoutMs: 10_000, intervalMs: 50, message: `postmaster ${gone} to be gone` });
      }
      lastPostmaster = undefined;
      await waitFor(() => ctl('start').then(() => true), { timeoutMs: 20_000, intervalMs: 250, message: `cluster ${name} to start` });
      await waitFor(answers, { timeoutMs: 20_000, intervalMs: 100, message: `cluster ${name} to answer again` });
    },
    async drop() {
      await run('pg_dropcluster', [version, name, '--stop']);
    },
  };
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
