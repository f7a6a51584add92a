import type { LoadResult } from './load.js';
import { OUTCOME, type Outcome } from './load-types.js';

export interface Latency {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentiles in milliseconds. */
export function latencyOf(values: Float64Array | readonly number[]): Latency {
  const sorted = Float64Array.from(values).sort();
  const count = sorted.length;
  if (count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const rank = (p: number) => sorted[Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1))]!;
  let sum = 0;
  for (const value of sorted) sum += value;
  return { count, p50: rank(50), p95: rank(95), p99: rank(99), max: sorted[count - 1]!, mean: sum / count };
}

export interface TimelineBucket {
  /** Seconds since firing started (bucket start). */
  readonly t: number;
  /** Answers per second in this bucket, by outcome. */
  readonly acceptedPerSecond: number;
  readonly rejectedPerSecond: number;
  readonly otherPerSecond: number;
  /** Latency percentiles of the answers that arrived in this bucket (ms). */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface LoadSummary {
  readonly seconds: number;
  readonly attempts: number;
  readonly attemptsPerSecond: number;
  readonly answered: number;
  readonly unanswered: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Distinct order ids among the 202s (a replayed 202 carries the same id). */
  readonly distinctOrderIds: number;
  /** Orders accepted per second between the first and the last accept. */
  readonly acceptedPerSecond: number;
  /** Epoch ms of the last 202. */
  readonly lastAcceptAt: number | null;
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly conflictCodes: Readonly<Record<string, number>>;
  /** Attempts answered with something else than 202 / a business 409 (retried or failed). */
  readonly errors: number;
  readonly latency: { readonly accepted: Latency; readonly rejected: Latency; readonly all: Latency };
  readonly timeline: readonly TimelineBucket[];
}

export function summarise(result: LoadResult): LoadSummary {
  const { samples } = result;
  const seconds = Math.max(0.001, (result.endedAt - result.startedAt) / 1000);
  const byOutcome: number[][] = [[], [], [], []];
  const statusCounts: Record<string, number> = {};
  let firstAccept = Number.POSITIVE_INFINITY;
  let lastAccept = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < samples.count; index += 1) {
    const outcome = samples.outcome[index] as Outcome;
    byOutcome[outcome]!.push(samples.latency[index]!);
    const status = String(samples.status[index] === 0 ? 'network-error' : samples.status[index]);
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    if (outcome === OUTCOME.accepted) {
      firstAccept = Math.min(firstAccept, samples.start[index]!);
      lastAccept = Math.max(lastAccept, samples.start[index]! + samples.latency[index]!);
    }
  }
  const accepted = byOutcome[OUTCOME.accepted]!.length;
  const acceptSeconds = accepted > 0 ? Math.max(0.001, (lastAccept - firstAccept) / 1000) : 0;
  return {
    seconds,
    attempts: samples.count,
    attemptsPerSecond: samples.count / seconds,
    answered: result.answered,
    unanswered: result.unanswered,
    accepted,
    rejected: byOutcome[OUTCOME.rejected]!.length,
    distinctOrderIds: new Set(result.orderIds).size,
    acceptedPerSecond: accepted > 0 ? accepted / acceptSeconds : 0,
    lastAcceptAt: accepted > 0 ? lastAccept : null,
    statusCounts,
    conflictCodes: result.codes,
    errors: byOutcome[OUTCOME.retried]!.length + byOutcome[OUTCOME.failed]!.length,
    latency: {
      accepted: latencyOf(byOutcome[OUTCOME.accepted]!),
      rejected: latencyOf(byOutcome[OUTCOME.rejected]!),
      all: latencyOf(samples.latency.subarray(0, samples.count)),
    },
    timeline: timeline(result, seconds),
  };
}

/** About 60 buckets over the run, never narrower than 50 ms. */
function timeline(result: LoadResult, seconds: number): TimelineBucket[] {
  const { samples } = result;
  const width = Math.max(0.05, seconds / 60);
  const buckets = Math.max(1, Math.ceil(seconds / width));
  const counts = Array.from({ length: buckets }, () => [0, 0, 0]);
  const latencies = Array.from({ length: buckets }, () => [] as number[]);
  for (let index = 0; index < samples.count; index += 1) {
    const end = (samples.start[index]! + samples.latency[index]! - result.startedAt) / 1000;
    const bucket = Math.min(buckets - 1, Math.max(0, Math.floor(end / width)));
    const outcome = samples.outcome[index]!;
    counts[bucket]![outcome === OUTCOME.accepted ? 0 : outcome === OUTCOME.rejected ? 1 : 2]! += 1;
    latencies[bucket]!.push(samples.latency[index]!);
  }
  return counts.map(([acceptedCount, rejectedCount, otherCount], bucket) => {
    const latency = latencyOf(latencies[bucket]!);
    return {
      t: bucket * width,
      acceptedPerSecond: acceptedCount! / width,
      rejectedPerSecond: rejectedCount! / width,
      otherPerSecond: otherCount! / width,
      p50: latency.p50,
      p95: latency.p95,
      p99: latency.p99,
    };
  });
}
