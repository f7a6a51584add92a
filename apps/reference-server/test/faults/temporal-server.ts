import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@limitedcart/core/testing';

const run = promisify(execFile);

/**
 * The Temporal CLI that `scripts/services/temporal.sh` builds into the cache (it embeds the dev server), or null
 * when it is not there.
 */
export function temporalBinary(): string | null {
  const path = join(process.env.LIMITEDCART_CACHE ?? join(homedir(), '.cache', 'limitedcart'), 'bin', 'temporal');
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return null;
  }
}

/**
 * A Temporal dev server of the fault suite's own, on its own ports and with its own SQLite file, so a row can
 * freeze or kill it without touching the shared server on 7233 that other suites use. The store is a file: a
 * restart on it keeps every workflow, as a production Temporal keeps them in its database.
 */
export interface PrivateTemporal {
  readonly address: string;
  /** SIGSTOP: the server keeps its sockets open and answers nothing (a hung frontend, a long GC pause). */
  freeze(): Promise<void>;
  /** SIGCONT, then waits until the frontend serves again. */
  thaw(): Promise<void>;
  /** SIGKILL: no clean shutdown; the SQLite file keeps what was committed. */
  kill9(): Promise<void>;
  /** Starts it again on the same file and ports and waits until it serves. */
  start(): Promise<void>;
  /** Stops it and deletes its file. */
  drop(): Promise<void>;
  /** For a failed row: the task queue's state and the last events of its running workflows. */
  diagnose(taskQueue: string): Promise<string>;
}

export async function startPrivateTemporal(
  binary: string,
  ports: { readonly grpc: number; readonly http: number; readonly metrics: number },
): Promise<PrivateTemporal> {
  const dir = await mkdtemp(join(tmpdir(), 'lc-faults-temporal-'));
  const address = `127.0.0.1:${ports.grpc}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const lines: string[] = [];

  const healthy = async (): Promise<boolean> => {
    try {
      const { stdout } = await run(binary, ['operator', 'cluster', 'health', '--address', address, '--command-timeout', '2s'], { timeout: 5_000 });
      return stdout.includes('SERVING');
    } catch {
      return false;
    }
  };
  const waitHealthy = async () => {
    await waitFor(
      async () => {
        if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`temporal dev server exited:\n${lines.slice(-20).join('\n')}`);
        return healthy();
      },
      { timeoutMs: 60_000, intervalMs: 250, message: `private temporal on ${address}` },
    );
  };
  const start = async () => {
    const server = spawn(
      binary,
      [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        String(ports.grpc),
        '--http-port',
        String(ports.http),
        '--metrics-port',
        String(ports.metrics),
        '--db-filename',
        join(dir, 'temporal.db'),
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const collect = (chunk: Buffer) => {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (lines.length > 500) lines.splice(0, lines.length - 500);
    };
    server.stdout?.on('data', collect);
    server.stderr?.on('data', collect);
    exited = new Promise((resolve) => server.once('exit', () => resolve()));
    child = server;
    await waitHealthy();
  };
  const signal = (name: NodeJS.Signals) => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, name);
  };

  await start();
  return {
    address,
    async freeze() {
      signal('SIGSTOP');
    },
    async thaw() {
      signal('SIGCONT');
      await waitHealthy();
    },
    async kill9() {
      signal('SIGCONT'); // a frozen process takes SIGKILL too, but keep the order of events plain
      signal('SIGKILL');
      await exited;
    },
    start,
    async diagnose(taskQueue) {
      const cli = async (...args: string[]) => {
        try {
          const { stdout } = await run(binary, [...args, '--address', address], { timeout: 20_000, maxBuffer: 16 << 20 });
          return stdout;
        } catch (error) {
          return `(${args.join(' ')}: ${error instanceof Error ? error.message : String(error)})`;
        }
      };
      const out = [`server log (last lines):\n${lines.slice(-60).join('\n')}`];
      for (const type of ['workflow', 'activity']) {
        out.push(`task-queue describe ${taskQueue} (${type}):\n${await cli('task-queue', 'describe', '--task-queue', taskQueue, '--task-queue-type', type)}`);
      }
      const running = await cli('workflow', 'list', '--query', `TaskQueue='${taskQueue}' AND ExecutionStatus='Running'`, '--limit', '50');
      out.push(`running workflows:\n${running}`);
      const ids = [...running.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)].map((m) => m[0]);
      for (const id of [...new Set(ids)].slice(0, 6)) out.push(`workflow ${id}:\n${await cli('workflow', 'show', '--workflow-id', id)}`);
      return out.join('\n\n');
    },
    async drop() {
      signal('SIGCONT');
      signal('SIGKILL');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
