import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST_DIR } from './build.js';

const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const CLI = join(REPO_ROOT, 'apps', 'reference-server', 'src', 'cli.ts');
const START_TIMEOUT_MS = 60_000;

export interface DemoCredentials {
  readonly email: string;
  readonly password: string;
}

export interface TestServer {
  readonly url: string;
  readonly shopper: DemoCredentials;
  readonly warehouse: DemoCredentials;
  readonly admin: DemoCredentials;
  /** Everything the server printed (for failure messages). */
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the reference server CLI (`limitedcart start`) in its own process on a free port, serving the
 * storefront build, with the demo catalogue and accounts. The memory profile keeps each test file's data
 * separate and needs no database; `env` overrides settings such as PAYMENT_WINDOW_SECONDS.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'limitedcart-e2e-'));
  const child = spawn(process.execPath, ['--conditions=@limitedcart/source', '--import', 'tsx', CLI, 'start'], {
    cwd: REPO_ROOT,
    env: {
      ...inheritedEnv(),
      LIMITEDCART_PROFILE: 'memory',
      LIMITEDCART_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      STOREFRONT_DIR: DIST_DIR,
      SEED_DEMO: 'true',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      // Every window signs in from 127.0.0.1, often as the same demo account.
      RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_IP: '1000',
      RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '1000',
      HOLD_SWEEP_INTERVAL_MS: '250',
      SHUTDOWN_GRACE_MS: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  const stop = () => stopChild(child).finally(() => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const url = await waitForStart(child, () => output);
    // Outside a terminal the server prints no password; it keeps them in its data dir (0600).
    const passwords = JSON.parse(readFileSync(join(dataDir, 'demo-accounts.json'), 'utf8')) as Record<string, string>;
    const account = (email: string): DemoCredentials => {
      const password = passwords[email];
      if (!password) throw new Error(`no demo password for ${email} in ${dataDir}/demo-accounts.json:\n${output}`);
      return { email, password };
    };
    return {
      url,
      shopper: account('shopper@limitedcart.dev'),
      warehouse: account('warehouse@limitedcart.dev'),
      admin: account('admin@limitedcart.dev'),
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The caller's environment without any server setting: CI exports DATABASE_URL, REDIS_URL and the like for
 * the adapter suites, and those must not turn this isolated server into a client of shared services.
 */
const SERVER_SETTING = /^(DATABASE_URL|REDIS_URL|KAFKA_BROKERS|TEMPORAL_|LIMITEDCART_|JWT_|PAYMENT_|PUBLIC_URL|ADMIN_|SEED_DEMO|STOREFRONT_DIR|PORT$|HOST$|DB_|RATE_LIMIT_|HOLD_SWEEP|OTEL_|SHUTDOWN_GRACE|LOG_LEVEL|TRUST_PROXY|BODY_LIMIT)/;
const inheritedEnv = (): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !SERVER_SETTING.test(entry[0])));

function waitForStart(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start within ${START_TIMEOUT_MS} ms:\n${output()}`)), START_TIMEOUT_MS);
    const onData = () => {
      const match = /LimitedCart is running at (http:\/\/\S+)/.exec(output());
      // The demo accounts follow the URL line: wait for the closing line of that block.
      if (match?.[1] && output().includes('is on sale from its saleStartsAt')) done(match[1]);
    };
    const onExit = (code: number | null) => fail(new Error(`the server exited (${code}) before it started:\n${output()}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const done = (url: string) => {
      cleanup();
      resolve(url);
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** SIGTERM (graceful stop), then SIGKILL if the process is still there after a few seconds. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
