/**
 * `pnpm bench:saga`: how fast each saga runner takes a burst of orders to PAYMENT_PENDING and, after their
 * payments, to CONFIRMED, side by side with the in-memory runner. See bench/README.md.
 */
import { createSagaKitWorld } from '@limitedcart/core/testing';
import { listOf, parseOptions, positive, runMain } from './lib/args.js';
import { busyMachineNote, describeMachine, machineInfo, redactUrl, runTag, services } from './lib/environment.js';
import { writeResults } from './lib/results.js';
import { checkRunner } from './saga/checks.js';
import { MilestoneWatch } from './saga/milestones.js';
import { renderFindings, renderSagaTables, type RunnerRun } from './saga/report.js';
import { type RoundFigures, runRound } from './saga/round.js';
import { openRunnerTarget, RunnerUnavailable, SAGA_RUNNERS, type SagaRunnerName } from './saga/targets.js';

const USAGE = `usage: pnpm bench:saga [--runner memory,pg-boss,temporal] [--orders 1000] [--warmup 20] [--timeout 300] [--local-activities on|off]
  --runner   saga runners to measure; the in-memory runner always runs first as the baseline
  --orders   sagas per runner, all started at once
  --warmup   sagas run through both steps before measuring (connections, JIT, worker start), not reported
  --timeout  seconds a step may take before the runner is reported as failed
  --local-activities  Temporal: run the saga's steps as local activities (the runner's localActivities option, on by default)`;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

interface Plan {
  readonly orders: number;
  readonly warmupOrders: number;
  readonly timeoutMs: number;
  readonly temporalLocalActivities: boolean;
}

const withoutIds = ({ orderIds: _ids, ...figures }: RoundFigures): Omit<RoundFigures, 'orderIds'> => figures;

async function main(): Promise<number> {
  const options = parseOptions({ runner: SAGA_RUNNERS.join(','), orders: '1000', warmup: '20', timeout: '300', 'local-activities': 'on' });
  const [localActivities = 'on'] = listOf('local-activities', options['local-activities'], ['on', 'off'] as const);
  const requested = listOf('runner', options.runner, SAGA_RUNNERS);
  const runners: SagaRunnerName[] = ['memory', ...requested.filter((runner) => runner !== 'memory')];
  const plan: Plan = {
    orders: positive('orders', options.orders, true),
    warmupOrders: positive('warmup', options.warmup, true),
    timeoutMs: positive('timeout', options.timeout) * 1000,
    temporalLocalActivities: localActivities === 'on',
  };
  const tag = runTag();
  const startedAt = new Date();
  const machine = machineInfo();

  console.log(`Saga benchmark ${tag}: ${runners.join(', ')}; ${plan.orders} sagas per runner, all started at once`);
  console.log(`Machine: ${describeMachine(machine)}`);
  const busy = busyMachineNote(machine);
  if (busy !== null) console.log(busy);
  console.log('Runner, services and load generator share these cores: read ratios, not absolute figures, across machines.\n');

  const runs: RunnerRun[] = [];
  for (const name of runners) {
    const run = await measureRunner(name, tag, plan, runs[0]);
    runs.push(run);
    console.log(`  ${name}: ${run.status === 'ran' ? `done (${run.setup})` : `${run.status.toUpperCase()}: ${run.reason}`}`);
  }

  console.log(`\n${renderSagaTables(runs)}`);
  const findings = renderFindings(runs);
  console.log(findings === '' ? '\nAll checks passed.' : `\n${findings}`);

  const checksHold = runs.every((run) => run.checks.every((check) => check.ok));
  const noneFailed = runs.every((run) => run.status !== 'failed');
  const path = await writeResults('saga', startedAt, {
    benchmark: 'saga',
    run: tag,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: process.argv.slice(2),
    machine,
    loadAverageAtEnd: machineInfo().loadAverage,
    services: { databaseUrl: redactUrl(services.databaseUrl), temporalAddress: services.temporalAddress },
    settings: { runners, ...plan },
    ok: checksHold && noneFailed,
    checksHold,
    runners: runs,
  });
  console.log(`\nResults: ${path}`);
  return checksHold && noneFailed ? 0 : 1;
}

/** Runs the warm-up and the measured round of one runner over a fresh world, then checks every saga's end. */
async function measureRunner(name: SagaRunnerName, tag: string, plan: Plan, baseline: RunnerRun | undefined): Promise<RunnerRun> {
  const world = createSagaKitWorld();
  const watch = new MilestoneWatch(world.activities);
  const empty = { warmup: null, measured: null, vsMemory: { toPaymentPending: null, toConfirmed: null }, checks: [] };
  let target: Awaited<ReturnType<typeof openRunnerTarget>>;
  try {
    target = await openRunnerTarget(name, watch.activities, tag, { temporalLocalActivities: plan.temporalLocalActivities });
  } catch (error) {
    const status = error instanceof RunnerUnavailable ? 'skipped' : 'failed';
    return { runner: name, setup: '', status, reason: `setup: ${messageOf(error)}`, ...empty };
  }
  let failure: string | null = null;
  let warmup: RoundFigures | null = null;
  let measured: RoundFigures | null = null;
  let checks: RunnerRun['checks'] = [];
  try {
    const round = (orders: number) => runRound({ world, watch, runner: target.runner, crashed: target.crashed, orders, timeoutMs: plan.timeoutMs });
    warmup = await round(plan.warmupOrders);
    measured = await round(plan.orders);
    checks = await checkRunner(target.runner, world, [...warmup.orderIds, ...measured.orderIds], plan.timeoutMs);
  } catch (error) {
    failure = messageOf(error);
  } finally {
    try {
      await target.close();
    } catch (error) {
      failure ??= `cleanup: ${messageOf(error)}`;
    }
  }
  const base = baseline?.measured;
  const rate = (key: 'toPaymentPending' | 'toConfirmed'): number | null =>
    base && measured && base[key].sagasPerSecond > 0 ? measured[key].sagasPerSecond / base[key].sagasPerSecond : null;
  return {
    runner: name,
    setup: target.setup,
    status: failure === null ? 'ran' : 'failed',
    reason: failure,
    warmup: warmup && withoutIds(warmup),
    measured: measured && withoutIds(measured),
    vsMemory: { toPaymentPending: rate('toPaymentPending'), toConfirmed: rate('toConfirmed') },
    checks,
  };
}

runMain(USAGE, main);
