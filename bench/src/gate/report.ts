import { type Cell, formatRatio, renderTable } from '../lib/table.js';
import type { Check } from './checks.js';
import type { PhaseKind, PhaseMeasurement } from './phase.js';
import type { GateAdapter } from './targets.js';

/** A measured phase with its verdicts and its figures relative to the memory gate's same phase. */
export interface PhaseResult extends PhaseMeasurement {
  readonly checks: readonly Check[];
  readonly warnings: readonly string[];
  /** The phase's headline rate (accepted/s in accept, sold-out rejections/s in sold-out) over memory's. */
  readonly rateVsMemory: number | null;
  /** p99 latency over memory's p99 (how many times slower the tail is). */
  readonly p99VsMemory: number | null;
}

export interface AdapterRun {
  readonly adapter: GateAdapter;
  readonly setup: string;
  /** null when the adapter ran; otherwise why it could not. */
  readonly error: string | null;
  readonly phases: readonly PhaseResult[];
  readonly driftSignals: number;
}

/** The figure a phase is about. */
export const headlineRate = (phase: PhaseMeasurement): number =>
  phase.kind === 'sold-out' ? phase.soldOutPerSecond : phase.acceptedPerSecond;

/** Adds the ratios to the memory gate's phase of the same kind and caller count. */
export function withRatios(
  phase: PhaseMeasurement & Pick<PhaseResult, 'checks' | 'warnings'>,
  baseline: PhaseMeasurement | undefined,
): PhaseResult {
  const rate = baseline && headlineRate(baseline) > 0 ? headlineRate(phase) / headlineRate(baseline) : null;
  const p99 = baseline && baseline.latency.p99Ms > 0 ? phase.latency.p99Ms / baseline.latency.p99Ms : null;
  return { ...phase, rateVsMemory: rate, p99VsMemory: p99 };
}

const PHASE_TITLES: Record<Exclude<PhaseKind, 'warm-up'>, string> = {
  accept: 'accept phase (ample stock): headline = reservations accepted/s',
  'sold-out': 'sold-out phase (small stock, then every attempt rejected): headline = sold-out rejections/s',
};

/** One table per (caller count, phase kind), one row per adapter. */
export function renderGateTables(runs: readonly AdapterRun[], callerCounts: readonly number[]): string {
  const sections: string[] = [];
  for (const callers of callerCounts) {
    for (const kind of ['accept', 'sold-out'] as const) {
      const rows: Cell[][] = [];
      for (const run of runs) {
        const phase = run.phases.find((p) => p.callers === callers && p.kind === kind);
        if (phase === undefined) continue;
        const failed = Object.values(phase.errors).reduce((sum, n) => sum + n, 0);
        rows.push([
          run.adapter,
          Math.round(phase.attemptsPerSecond),
          Math.round(phase.acceptedPerSecond),
          Math.round(phase.soldOutPerSecond),
          failed,
          phase.latency.p50Ms,
          phase.latency.p99Ms,
          phase.latency.maxMs,
          run.adapter === 'memory' ? 'baseline' : formatRatio(phase.rateVsMemory),
          run.adapter === 'memory' ? 'baseline' : formatRatio(phase.p99VsMemory),
          phase.checks.every((check) => check.ok) ? 'OK' : 'FAIL',
        ]);
      }
      if (rows.length === 0) continue;
      sections.push(
        `${callers} callers, ${PHASE_TITLES[kind]}\n${renderTable(
          ['adapter', 'attempts/s', 'accepted/s', 'sold-out/s', 'errors', 'p50 ms', 'p99 ms', 'max ms', 'rate vs memory', 'p99 vs memory', 'invariants'],
          rows,
        )}`,
      );
    }
  }
  return sections.join('\n\n');
}

/** Every failed check and every warning, one per line; empty when there is nothing to say. */
export function renderFindings(runs: readonly AdapterRun[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    if (run.error !== null) lines.push(`${run.adapter}: NOT RUN: ${run.error}`);
    if (run.driftSignals > 0) lines.push(`${run.adapter}: ${run.driftSignals} drift signals between the tiers`);
    for (const phase of run.phases) {
      const where = `${run.adapter} ${phase.kind} ${phase.callers} callers`;
      for (const check of phase.checks) if (!check.ok) lines.push(`${where}: INVARIANT FAILED: ${check.name} (${check.detail})`);
      for (const warning of phase.warnings) lines.push(`${where}: ${warning}`);
    }
  }
  return lines.join('\n');
}
