import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@limitedcart/core/testing';

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcessOptions {
  /** Used in failure messages and log dumps. */
  readonly name: string;
  readonly env: Record<string, string>;
  /** Runs the process this many seconds ahead of the machine's clock (libfaketime). */
  readonly clockOffsetSeconds?: number;
}

/** How a reference-server process ended, when it did. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One reference-server process started through its CLI (`src/cli.ts start`), as a deployment runs it: the fault
 * rows kill it, cut its database from under it, or move its clock, and then look at it only from outside (its
 * HTTP port, its exit, its log lines).
 */
export class ServerProcess {
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  #exit: Exit | undefined;
  readonly #exited: Promise<Exit>;
  #stopped = false;

  private constructor(
    readonly name: string,
    readonly port: number,
    child: ChildProcess,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.#child = child;
    let partial = '';
    const collect = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      this.#lines.push(...lines);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
  }

  static start(options: ServerProcessOptions & { readonly port: number }): ServerProcess {
    const node = [process.execPath, '--conditions=@limitedcart/source', '--import', 'tsx', 'src/cli.ts', 'start'];
    const offset = options.clockOffsetSeconds;
    const [command, ...args] = offset === undefined ? node : [requiredTool('FAKETIME_BIN', 'faketime'), '-f', `+${offset}`, ...node];
    const child = spawn(command!, args, {
      cwd: SERVER_DIR,
      // Only what the row sets: a service URL inherited from the test run (KAFKA_BROKERS, say) would change the profile.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: faketime runs node as its child, and a kill must reach both.
      detached: true,
    });
    return new ServerProcess(options.name, options.port, child);
  }

  get alive(): boolean {
    return this.#exit === undefined;
  }

  get exit(): Exit | undefined {
    return this.#exit;
  }

  /** true once the test itself killed or stopped it: an exit nobody asked for is a failure. */
  get stoppedOnPurpose(): boolean {
    return this.#stopped;
  }

  /** Every line the process wrote so far (pino JSON on stdout, anything else on stderr). */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /** Lines logged at error level or above, and anything that is not a log line (a stack trace on stderr). */
  errorLines(since = 0): string[] {
    return this.#lines.slice(since).filter((line) => {
      if (line.trim() === '') return false;
      try {
        const entry = JSON.parse(line) as { level?: number | string };
        return typeof entry.level === 'number' ? entry.level >= 50 : entry.level === 'error' || entry.level === 'fatal';
      } catch {
        return !/^(SIGTERM|SIGINT): shutting down$/.test(line.trim());
      }
    });
  }

  /** GET /readyz status, or 0 when nothing answers. */
  async readiness(): Promise<number> {
    try {
      const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(4_000) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  /** GET /readyz as staff: the status and the checks that failed ('no answer' when nothing answered). */
  async readinessDetail(token: string): Promise<{ status: number; failing: string[] }> {
    try {
      const response = await fetch(`${this.url}/readyz`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(4_000) });
      const body = (await response.json()) as { checks?: { name: string; ok: boolean; optional?: boolean; detail?: string }[] };
      const failing = (body.checks ?? []).filter((check) => !check.ok && check.optional !== true).map((check) => `${check.name}: ${check.detail ?? ''}`);
      return { status: response.status, failing };
    } catch {
      return { status: 0, failing: ['no answer'] };
    }
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        if (!this.alive) throw new Error(`${this.name} exited ${JSON.stringify(this.#exit)}:\n${this.tail()}`);
        return (await this.readiness()) === 200;
      },
      { timeoutMs, intervalMs: 100, message: `${this.name} to be ready` },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${this.tail()}`, { cause: error });
    });
  }

  /** SIGKILL to the whole process group; resolves once it is gone. */
  async kill9(): Promise<Exit> {
    this.#stopped = true;
    if (this.alive) this.#signalGroup('SIGKILL');
    return this.#exited;
  }

  /** SIGTERM (a graceful stop; SIGINT is Ctrl-C) to the process group; resolves with how it ended. */
  async terminate(signal: 'SIGTERM' | 'SIGINT' = 'SIGTERM', timeoutMs = 30_000): Promise<Exit> {
    this.#stopped = true;
    if (this.alive) this.#signalGroup(signal);
    const timer = setTimeout(() => this.#signalGroup('SIGKILL'), timeoutMs);
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The last lines, for failure messages. */
  tail(count = 40): string {
    return `--- ${this.name} (last ${count} lines) ---\n${this.#lines.slice(-count).join('\n')}`;
  }

  #signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.#child.pid!, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * A tool the suite cannot run without: its path from the variable `scripts/tools/faults.sh` prints, else the
 * bare name on PATH.
 */
export function requiredTool(variable: string, name: string): string {
  return process.env[variable] ?? name;
}
