/**
 * `pnpm bench:drop`: the end-to-end flash-sale benchmark. Starts the reference server in a profile, sets up one
 * drop and its shoppers, fires every shopper's order from load-generator threads, checks the stock invariant
 * after the sagas drain, then fires the same requests at a bare Hono route (the ceiling) and reports every
 * figure beside it. Writes a JSON result and an SVG chart to bench/results.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropChart } from './chart.js';
import { parseDropOptions, USAGE, UsageError } from './options.js';
import { type CeilingPhase, runCeilingPhase, runDropPhase, sagaWorkersLabel } from './phases.js';
import { runQueuePhase } from './queue-phase.js';
import { formatQueueReport } from './queue-report.js';
import { formatDbWrites, formatProfile, formatReport, formatStatements, ratiosOf } from './report.js';

const BENCH_DIR = fileURLToPath(new URL('../../', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function main(): Promise<number> {
  const options = parseDropOptions(process.argv.slice(2), join(BENCH_DIR, 'results'));
  const tag = randomBytes(4).toString('hex');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const name = `drop-${options.profile}-p${options.processes}${options.sagaWorkers > 0 ? `w${options.sagaWorkers}` : ''}-${stamp}`;
  mkdirSync(options.resultsDir, { recursive: true });
  // Embedded Postgres runs as the postgres user when we are root: the folder must be traversable.
  const runDir = mkdtempSync(join(tmpdir(), `limitedcart-drop-${tag}-`));
  chmodSync(runDir, 0o755);
  const logFile = join(tmpdir(), `${name}.server.log`);
  const profileDir = options.cpuProf ? join(options.resultsDir, `${name}-profiles`) : null;
  const log = (line: string) => process.stderr.write(`[drop] ${line}\n`);
  const context = { options, tag, runDir, logFile, profileDir, repoRoot: REPO_ROOT, logLevel: process.env.DROP_LOG_LEVEL ?? 'warn', log };
  if (options.queue) return queued(context, name);

  const drop = await runDropPhase(context);
  const ceiling: CeilingPhase | null = options.skipCeiling ? null : await runCeilingPhase(context, drop);
  const ratios = ratiosOf(drop, ceiling);

  process.stdout.write(formatReport(options, drop, ceiling, ratios));
  process.stdout.write(formatDbWrites(drop));
  process.stdout.write(formatStatements(drop));
  process.stdout.write(formatProfile(drop));

  const jsonFile = join(options.resultsDir, `${name}.json`);
  const svgFile = join(options.resultsDir, `${name}.svg`);
  const { items: _items, body: _body, ...dropResult } = drop;
  writeFileSync(
    jsonFile,
    `${JSON.stringify(
      {
        benchmark: 'drop',
        at: new Date().toISOString(),
        command: `pnpm bench:drop ${process.argv.slice(2).join(' ')}`.trim(),
        machine: { cores: availableParallelism(), node: process.version },
        options,
        serverLogLevel: context.logLevel,
        drop: dropResult,
        ceiling,
        ratios,
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    svgFile,
    dropChart({
      title: `Drop — ${options.profile}, ${options.processes} process(es)${sagaWorkersLabel(options.sagaWorkers)}, ${options.units} units, ${options.shoppers} shoppers, ${options.connections} connections`,
      drop: drop.load,
      ceiling: ceiling?.load ?? null,
    }),
  );
  log(`wrote ${jsonFile} and ${svgFile}`);

  const failures: string[] = [];
  if (!drop.verification.ok) failures.push('a correctness check failed');
  if (options.quick && drop.load.errors > 0) failures.push(`${drop.load.errors} error responses`);
  if (options.quick && drop.load.unanswered > 0) failures.push(`${drop.load.unanswered} shoppers unanswered`);
  if (failures.length > 0) {
    log(`FAILED: ${failures.join('; ')}`);
    return 1;
  }
  return 0;
}

/** `--queue`: the waiting-room drop; exits 1 on oversell, undersell, unanswered shoppers or a failed check. */
async function queued(context: Parameters<typeof runQueuePhase>[0], name: string): Promise<number> {
  const { options, log } = context;
  const phase = await runQueuePhase(context);
  process.stdout.write(formatQueueReport(options, phase));
  const jsonFile = join(options.resultsDir, `${name.replace(/^drop-/, 'drop-queue-')}.json`);
  writeFileSync(
    jsonFile,
    `${JSON.stringify(
      {
        benchmark: 'drop-queue',
        at: new Date().toISOString(),
        command: `pnpm bench:drop ${process.argv.slice(2).join(' ')}`.trim(),
        machine: { cores: availableParallelism(), node: process.version, loadavg: loadavg() },
        options,
        queue: phase,
      },
      null,
      2,
    )}\n`,
  );
  log(`wrote ${jsonFile}`);
  if (!phase.ok) {
    log(`FAILED: ${phase.checks.filter((check) => !check.ok).map((check) => check.name).join('; ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `${error.message}\n\n` : ''}${USAGE}`);
      process.exit(error.message ? 2 : 0);
    }
    process.stderr.write(`drop benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
