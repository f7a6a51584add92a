import { type Cell, formatRatio, renderTable } from '../lib/table.js';
import type { Check } from './checks.js';
import type { RoundFigures, StepFigures } from './round.js';
import type { SagaRunnerName } from './targets.js';

export interface RunnerRun {
  readonly runner: SagaRunnerName;
  readonly setup: string;
  /** 'ran'; 'skipped' when the runner is not available in this build; 'failed' when it could not finish. */
  readonly status: 'ran' | 'skipped' | 'failed';
  readonly reason: string | null;
  readonly warmup: Omit<RoundFigures, 'orderIds'> | null;
  readonly measured: Omit<RoundFigures, 'orderIds'> | null;
  /** Measured sagas/s over the memory runner's, per step. */
  readonly vsMemory: { readonly toPaymentPending: number | null; readonly toConfirmed: number | null };
  readonly checks: readonly Check[];
}

const STEPS = [
  ['toPaymentPending', 'start → PAYMENT_PENDING'],
  ['toConfirmed', 'payment signal → CONFIRMED'],
] as const;

/** One table per step, one row per runner that ran. */
export function renderSagaTables(runs: readonly RunnerRun[]): string {
  return STEPS.map(([key, title]) => {
    const rows: Cell[][] = [];
    for (const run of runs) {
      if (run.measured === null) continue;
      const step: StepFigures = run.measured[key];
      rows.push([
        run.runner,
        run.measured.orders,
        step.callsReturnedMs / 1000,
        step.allReachedMs / 1000,
        Math.round(step.sagasPerSecond),
        step.latency.p50Ms,
        step.latency.p99Ms,
        step.latency.maxMs,
        run.runner === 'memory' ? 'baseline' : formatRatio(run.vsMemory[key]),
        run.checks.every((check) => check.ok) ? 'OK' : 'FAIL',
      ]);
    }
    const headers = ['runner', 'sagas', 'calls done s', 'all reached s', 'sagas/s', 'p50 ms', 'p99 ms', 'max ms', 'sagas/s vs memory', 'checks'];
    return `${title}\n${renderTable(headers, rows)}`;
  }).join('\n\n');
}

/** Skipped and failed runners and failed checks, one per line. */
export function renderFindings(runs: readonly RunnerRun[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    if (run.status !== 'ran') lines.push(`${run.runner}: ${run.status.toUpperCase()}: ${run.reason}`);
    for (const check of run.checks) if (!check.ok) lines.push(`${run.runner}: CHECK FAILED: ${check.name} (${check.detail})`);
  }
  return lines.join('\n');
}
