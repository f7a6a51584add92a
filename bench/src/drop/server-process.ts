import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServerCode } from './options.js';
import { type Command, LAUNCH_ENV, type LaunchMode, type LauncherMessage, type ProfileStep } from './protocol.js';

const LAUNCHER = fileURLToPath(new URL('./server-launcher.ts', import.meta.url));
/**
 * The young-generation size of `pnpm start` and the container image (the bare-Hono ceiling runs with the same
 * flags). tsx runs the launcher itself; the `@limitedcart/source` condition makes the workspace packages resolve
 * to their TypeScript sources instead of their `dist/`.
 */
const nodeArgs = (code: ServerCode) => [
  '--max-semi-space-size=64',
  ...(code === 'source' ? ['--conditions=@limitedcart/source'] : []),
  '--import',
  'tsx',
];

export interface LaunchOptions {
  readonly mode: LaunchMode;
  readonly processes: number;
  /** The compiled packages (built beforehand) or the TypeScript sources. */
  readonly code: ServerCode;
  /** Processes of their own for the saga worker and relay; the server processes then only serve the API. */
  readonly sagaWorkers?: number;
  /** The complete environment of the server processes (PORT, profile, secrets, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Set: the server processes can be CPU-profiled (`profile`), writing `.cpuprofile` files here. */
  readonly cpuProfDir?: string;
  /** stdout and stderr of every server process go here. */
  readonly logFile: string;
  readonly readyTimeoutMs?: number;
}

/** N server processes behind one port, in a child process of the benchmark. */
export interface LaunchedServer {
  readonly url: string;
  /** The cluster primary and its workers: what RSS and CPU are summed over. */
  readonly pids: readonly number[];
  /** Starts or stops the CPU profiler in every server process; stopping returns the profile files. */
  profile(step: ProfileStep): Promise<string[]>;
  stop(): Promise<void>;
}

export async function launchServer(options: LaunchOptions): Promise<LaunchedServer> {
  const log = openSync(options.logFile, 'a');
  const child = fork(LAUNCHER, [], {
    execArgv: nodeArgs(options.code),
    env: {
      ...options.env,
      [LAUNCH_ENV.mode]: options.mode,
      [LAUNCH_ENV.processes]: String(options.processes),
      ...(options.sagaWorkers ? { [LAUNCH_ENV.sagaWorker]: String(options.sagaWorkers) } : {}),
      ...(options.cpuProfDir ? { [LAUNCH_ENV.cpuProfDir]: options.cpuProfDir } : {}),
    },
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  const stop = () => stopChild(child);
  try {
    const ready = await readyMessage(child, options.readyTimeoutMs ?? 180_000, options.logFile);
    return { url: ready.url, pids: [ready.primaryPid, ...ready.workerPids], stop, profile: (step) => profileStep(child, step) };
  } catch (error) {
    await stop();
    throw error;
  }
}

function readyMessage(child: ChildProcess, timeoutMs: number, logFile: string) {
  return new Promise<Extract<LauncherMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready after ${timeoutMs} ms (log: ${logFile})`)), timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
    };
    const onExit = (code: number | null) => {
      settle();
      reject(new Error(`server launcher exited with ${code} before it was ready (log: ${logFile})`));
    };
    const onMessage = (message: LauncherMessage) => {
      if (message.type !== 'ready' && message.type !== 'failed') return;
      settle();
      child.off('message', onMessage);
      if (message.type === 'ready') resolve(message);
      else reject(new Error(`server failed to start (log: ${logFile}):\n${message.error}`));
    };
    child.on('exit', onExit);
    child.on('message', onMessage);
  });
}

function profileStep(child: ChildProcess, step: ProfileStep): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: LauncherMessage) => {
      if (message.type !== 'profile-done' || message.step !== step) return;
      child.off('message', onMessage);
      if (message.errors.length > 0) reject(new Error(`profiling failed: ${message.errors.join('; ')}`));
      else resolve(message.files);
    };
    child.on('message', onMessage);
    child.send({ type: step } satisfies Command);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    if (child.connected) child.send({ type: 'stop' } satisfies Command);
    else child.kill('SIGTERM');
  });
}
