/** Messages between the benchmark, the server launcher (cluster primary) and its workers, over Node IPC. */

/** What the launcher runs in every worker: the reference server, or the bare-Hono ceiling. */
export type LaunchMode = 'app' | 'ceiling';

/** Environment keys the launcher reads besides the server's own configuration. */
export const LAUNCH_ENV = {
  mode: 'DROP_LAUNCH_MODE',
  processes: 'DROP_LAUNCH_PROCESSES',
  /** Set to N: the saga worker and the relay run in N processes of their own; the server processes only serve the API. */
  sagaWorker: 'DROP_LAUNCH_SAGA_WORKER',
  /** Set: workers can be profiled (inspector CPU profiler), writing `<pid>.cpuprofile` files into this folder. */
  cpuProfDir: 'DROP_LAUNCH_CPU_PROF_DIR',
  /** Set on followers of an embedded leader: the leader's database URL. */
  leaderDatabaseUrl: 'DROP_LAUNCH_LEADER_DATABASE_URL',
} as const;

export type WorkerMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; error: string }
  | { type: 'profile-done'; step: ProfileStep; file?: string; error?: string };

export type LauncherMessage =
  | { type: 'ready'; url: string; primaryPid: number; workerPids: number[] }
  | { type: 'failed'; error: string }
  | { type: 'profile-done'; step: ProfileStep; files: string[]; errors: string[] };

/** Profiling covers only the measured window: started right before firing, stopped right after. */
export type ProfileStep = 'profile-start' | 'profile-stop';

/** Commands from the benchmark to the launcher, and from the launcher to its workers. */
export type Command = { type: 'stop' } | { type: ProfileStep };

export const isCommand = (message: unknown): message is Command =>
  typeof message === 'object' &&
  message !== null &&
  ['stop', 'profile-start', 'profile-stop'].includes(String((message as { type?: unknown }).type));
