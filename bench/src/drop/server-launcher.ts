/**
 * Child-process entry that runs N server processes behind one port with node:cluster (the reference server has
 * no cluster mode of its own). The primary only accepts connections and hands them round-robin to the workers;
 * every worker is a full server. Used for both the reference server (`app`) and the bare-Hono ceiling, so the
 * two are measured with the same process layout and node flags.
 *
 * Embedded profile with several processes: worker 0 is the embedded deployment (its own Postgres, all roles);
 * the others are API-only processes on the production profile pointed at worker 0's Postgres. Other profiles:
 * worker 0 plays every role, the others only `api`. With a separate saga worker (`--saga-worker`, the layout of
 * deploy/k8s) one or more processes play `worker,relay`, each on a port of its own, and every server process only
 * serves the API.
 */
import cluster, { type Worker } from 'node:cluster';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import {
  type Command,
  isCommand,
  LAUNCH_ENV,
  type LaunchMode,
  type LauncherMessage,
  type ProfileStep,
  type WorkerMessage,
} from './protocol.js';

const mode = (process.env[LAUNCH_ENV.mode] ?? 'app') as LaunchMode;
const sagaWorkers = Number(process.env[LAUNCH_ENV.sagaWorker] ?? '0');

const send = (message: LauncherMessage | WorkerMessage) => process.send?.(message);
const describe = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

if (cluster.isPrimary) void runPrimary();
else void runWorker();

async function runPrimary(): Promise<void> {
  const processes = Number(process.env[LAUNCH_ENV.processes] ?? '1');
  const profDir = process.env[LAUNCH_ENV.cpuProfDir];
  if (profDir) mkdirSync(profDir, { recursive: true });
  const workers: Worker[] = [];
  let stopping = false;

  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    // Followers first: on the embedded profile worker 0 owns the Postgres the others use.
    for (const worker of [...workers].reverse()) await stopWorker(worker);
    process.exit(0);
  };
  process.on('message', (message) => {
    if (!isCommand(message)) return;
    if (message.type === 'stop') void stopAll();
    else void profileStep(workers, message.type);
  });
  process.on('disconnect', () => void stopAll());

  try {
    const leader = await forkReady(workerEnv(0));
    workers.push(leader.worker);
    // Followers start after the leader so migrations run once and the embedded database is up.
    const followers = await Promise.all(
      Array.from({ length: processes - 1 }, (_, index) => forkReady(workerEnv(index + 1))),
    );
    workers.push(...followers.map((follower) => follower.worker));
    if (mode === 'app' && sagaWorkers > 0) {
      const started = await Promise.all(Array.from({ length: sagaWorkers }, () => forkReady(sagaWorkerEnv())));
      workers.push(...started.map((started) => started.worker));
    }
    send({
      type: 'ready',
      url: leader.url,
      primaryPid: process.pid,
      workerPids: workers.map((worker) => worker.process.pid ?? 0),
    });
  } catch (error) {
    send({ type: 'failed', error: describe(error) });
    await stopAll();
  }
}

/** The environment of worker `index`. */
function workerEnv(index: number): NodeJS.ProcessEnv {
  if (mode === 'ceiling') return {};
  if (index === 0) return sagaWorkers > 0 ? { LIMITEDCART_ROLES: 'api' } : {};
  return followerEnv('api');
}

/** The separate saga worker: not behind the API port (port 0 gives it a port of its own). */
function sagaWorkerEnv(): NodeJS.ProcessEnv {
  return { ...followerEnv('worker,relay'), PORT: '0' };
}

/** The password the leader's embedded Postgres was given, kept in its data dir's secrets.json (0600). */
function embeddedPostgresPassword(): string {
  const file = join(process.env.LIMITEDCART_DATA_DIR ?? '.limitedcart', 'secrets.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { postgresPassword: string }).postgresPassword;
}

function followerEnv(roles: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LIMITEDCART_ROLES: roles };
  const embeddedPort = process.env.LIMITEDCART_EMBEDDED_PG_PORT ?? '54329';
  if (!process.env.DATABASE_URL) {
    env.LIMITEDCART_PROFILE = 'production';
    env.DATABASE_URL = `postgres://postgres:${encodeURIComponent(embeddedPostgresPassword())}@127.0.0.1:${embeddedPort}/postgres`;
  }
  return env;
}

function forkReady(env: NodeJS.ProcessEnv): Promise<{ worker: Worker; url: string }> {
  const worker = cluster.fork(env);
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`server worker exited with ${code} before it was ready`));
    worker.once('exit', onExit);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        worker.off('exit', onExit);
        resolve({ worker, url: message.url });
      } else if (message.type === 'failed') {
        worker.off('exit', onExit);
        reject(new Error(message.error));
      }
    });
  });
}

/** Forwards a profiling step to every worker and reports the files written once all have answered. */
async function profileStep(workers: readonly Worker[], step: ProfileStep): Promise<void> {
  const answers = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<Extract<WorkerMessage, { type: 'profile-done' }>>((resolve) => {
          const onMessage = (message: WorkerMessage) => {
            if (message.type !== 'profile-done' || message.step !== step) return;
            worker.off('message', onMessage);
            resolve(message);
          };
          worker.on('message', onMessage);
          worker.send({ type: step } satisfies Command);
        }),
    ),
  );
  send({
    type: 'profile-done',
    step,
    files: answers.flatMap((answer) => (answer.file ? [answer.file] : [])),
    errors: answers.flatMap((answer) => (answer.error ? [answer.error] : [])),
  });
}

function stopWorker(worker: Worker): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => worker.process.kill('SIGKILL'), 30_000);
    worker.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    worker.send({ type: 'stop' });
  });
}

async function runWorker(): Promise<void> {
  try {
    const stop = mode === 'ceiling' ? await startCeiling() : await startReferenceServer();
    const profiler = new Session();
    process.on('message', (message) => {
      if (!isCommand(message)) return;
      if (message.type === 'stop') {
        stop.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      } else {
        profile(profiler, message.type).then(
          (file) => send({ type: 'profile-done', step: message.type, ...(file ? { file } : {}) }),
          (error: unknown) => send({ type: 'profile-done', step: message.type, error: describe(error) }),
        );
      }
    });
    send({ type: 'ready', url: stop.url });
  } catch (error) {
    send({ type: 'failed', error: describe(error) });
    process.exit(1);
  }
}

/** The V8 sampling profiler through the inspector: the same data as `node --cpu-prof`, for a chosen window. */
async function profile(session: Session, step: ProfileStep): Promise<string | undefined> {
  const dir = process.env[LAUNCH_ENV.cpuProfDir];
  if (!dir) throw new Error('profiling is off (no profile folder)');
  if (step === 'profile-start') {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    return undefined;
  }
  const { profile: data } = await session.post('Profiler.stop');
  session.disconnect();
  const file = join(dir, `${mode}-${process.pid}.cpuprofile`);
  writeFileSync(file, JSON.stringify(data));
  return file;
}

interface Stoppable {
  readonly url: string;
  stop(): Promise<void>;
}

async function startReferenceServer(): Promise<Stoppable> {
  const { loadConfig, startServer } = await import('@limitedcart/reference-server');
  const server = await startServer(loadConfig(process.env));
  return server;
}

/** The ceiling: one bare Hono POST route that parses the JSON body and answers 202 with a small JSON body. */
async function startCeiling(): Promise<Stoppable> {
  const [{ Hono }, { serve }] = await Promise.all([import('hono'), import('@hono/node-server')]);
  const app = new Hono();
  let sequence = 0;
  app.post('/api/orders', async (c) => {
    const body = await c.req.json<{ productId?: unknown }>();
    sequence += 1;
    return c.json({ orderId: `${process.pid}-${sequence}`, status: 'PENDING', productId: body.productId }, 202);
  });
  app.get('/readyz', (c) => c.json({ status: 'ready' }));
  const port = Number(process.env.PORT ?? '0');
  const hostname = process.env.HOST ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, port, hostname }, () => resolve(listening));
    listening.once('error', reject);
  });
  return {
    url: `http://${hostname}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
