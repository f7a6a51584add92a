/**
 * `pnpm bench:gate`: reservations on one hot SKU through each stock gate, side by side with the in-memory gate.
 * See bench/README.md for what each figure means.
 */
import { integers, listOf, parseOptions, positive, runMain } from './lib/args.js';
import { busyMachineNote, describeMachine, machineInfo, redactUrl, runTag, services } from './lib/environment.js';
import { writeResults } from './lib/results.js';
import { checkPhase, phaseWarnings } from './gate/checks.js';
import { type PhaseKind, type PhaseMeasurement, runPhase } from './gate/phase.js';
import { type AdapterRun, type PhaseResult, renderFindings, renderGateTables, withRatios } from './gate/report.js';
import { GATE_ADAPTERS, type GateAdapter, type GateTarget, openGateTarget } from './gate/targets.js';

const USAGE = `usage: pnpm bench:gate [--adapter memory,postgres,redis,tiered] [--callers 64,256] [--duration 5]
                       [--stock 100] [--accept-stock 50000000] [--warmup 1]
  --adapter       gates to measure; the in-memory gate always runs first as the baseline
  --callers       concurrent callers (async loops), one measurement per value
  --duration      seconds per phase
  --stock         units of the sold-out phase's SKU (accepted must equal it exactly)
  --accept-stock  units of the accept phase's SKU (must outlast the phase)
  --warmup        seconds of unreported load per gate before measuring (JIT, connection pools)`;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function main(): Promise<number> {
  const options = parseOptions({
    adapter: GATE_ADAPTERS.join(','),
    callers: '64,256',
    duration: '5',
    stock: '100',
    'accept-stock': '50000000',
    warmup: '1',
  });
  const requested = listOf('adapter', options.adapter, GATE_ADAPTERS);
  const adapters: GateAdapter[] = ['memory', ...requested.filter((adapter) => adapter !== 'memory')];
  const callerCounts = integers('callers', options.callers);
  const durationMs = positive('duration', options.duration) * 1000;
  const soldOutStock = positive('stock', options.stock, true);
  const acceptStock = positive('accept-stock', options['accept-stock'], true);
  const warmupMs = positive('warmup', options.warmup) * 1000;
  const tag = runTag();
  const startedAt = new Date();
  const machine = machineInfo();

  console.log(`Gate benchmark ${tag}: ${adapters.join(', ')}; ${callerCounts.join(' and ')} callers; ${durationMs / 1000} s per phase`);
  console.log(`Machine: ${describeMachine(machine)}`);
  const busy = busyMachineNote(machine);
  if (busy !== null) console.log(busy);
  console.log('Load generator and services share these cores: read ratios, not absolute figures, across machines.\n');

  const runs: AdapterRun[] = [];
  for (const adapter of adapters) {
    const run = await measureAdapter(adapter, tag, { callerCounts, durationMs, soldOutStock, acceptStock, warmupMs }, runs[0]);
    runs.push(run);
    console.log(`  ${adapter}: ${run.error === null ? `done (${run.setup})` : `NOT RUN: ${run.error}`}`);
  }

  console.log(`\n${renderGateTables(runs, callerCounts)}`);
  const findings = renderFindings(runs);
  console.log(findings === '' ? '\nAll invariant checks passed; no warnings.' : `\n${findings}`);

  const invariantsHold = runs.every((run) => run.phases.every((phase) => phase.checks.every((check) => check.ok)));
  const allRan = runs.every((run) => run.error === null);
  const path = await writeResults('gate', startedAt, {
    benchmark: 'gate',
    run: tag,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: process.argv.slice(2),
    machine,
    loadAverageAtEnd: machineInfo().loadAverage,
    services: { databaseUrl: redactUrl(services.databaseUrl), redisUrl: redactUrl(services.redisUrl) },
    settings: { adapters, callerCounts, durationMs, soldOutStock, acceptStock, warmupMs },
    ok: invariantsHold && allRan,
    invariantsHold,
    adapters: runs,
  });
  console.log(`\nResults: ${path}`);
  return invariantsHold && allRan ? 0 : 1;
}

interface Plan {
  readonly callerCounts: readonly number[];
  readonly durationMs: number;
  readonly soldOutStock: number;
  readonly acceptStock: number;
  readonly warmupMs: number;
}

/** Runs every phase of one gate on fresh data, then removes the data. */
async function measureAdapter(adapter: GateAdapter, tag: string, plan: Plan, baseline: AdapterRun | undefined): Promise<AdapterRun> {
  let target: GateTarget;
  try {
    target = await openGateTarget(adapter, tag);
  } catch (error) {
    return { adapter, setup: '', error: `setup failed: ${messageOf(error)}`, phases: [], driftSignals: 0 };
  }
  const phases: PhaseResult[] = [];
  let failure: string | null = null;
  try {
    const measure = async (kind: PhaseKind, callers: number, stock: number, durationMs: number): Promise<PhaseMeasurement> =>
      runPhase({
        gate: target.gate,
        kind,
        sku: `bench-${tag}-${kind}-${callers}`,
        stock,
        callers,
        durationMs,
        idPrefix: `${tag}-${adapter}-${kind}-${callers}`,
      });
    await measure('warm-up', Math.max(...plan.callerCounts), plan.acceptStock, plan.warmupMs);
    for (const callers of plan.callerCounts) {
      for (const [kind, stock] of [
        ['accept', plan.acceptStock],
        ['sold-out', plan.soldOutStock],
      ] as const) {
        const measurement = await measure(kind, callers, stock, plan.durationMs);
        const mirrors = await Promise.all(target.mirrors.map(async (m) => ({ name: m.name, snapshot: await m.snapshot(measurement.sku) })));
        const checked = { ...measurement, checks: checkPhase(measurement, mirrors), warnings: phaseWarnings(measurement) };
        const base = baseline?.phases.find((p) => p.kind === kind && p.callers === callers);
        phases.push(withRatios(checked, base));
      }
    }
  } catch (error) {
    failure = `failed while measuring: ${messageOf(error)}`;
  } finally {
    try {
      await target.close();
    } catch (error) {
      failure ??= `cleanup failed: ${messageOf(error)}`;
    }
  }
  return { adapter, setup: target.setup, error: failure, phases, driftSignals: target.drift.length };
}

runMain(USAGE, main);
