/** Figures read from a server's Prometheus text (`GET /metrics`) after a run. */

/** A histogram's count and the upper bounds of the buckets its quantiles fall in (seconds; Infinity past the last). */
export interface HistogramSummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

function samples(text: string): Sample[] {
  const found: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = value!;
    found.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return found;
}

const matches = (labels: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>) =>
  Object.entries(wanted).every(([key, value]) => labels[key] === value);

/**
 * A histogram summed over every series whose labels include `wanted` (e.g. one topic over all its groups); null
 * when no series matches or nothing was observed.
 */
export function histogramSummary(text: string, name: string, wanted: Readonly<Record<string, string>> = {}): HistogramSummary | null {
  const buckets = new Map<number, number>();
  for (const sample of samples(text)) {
    if (sample.name !== `${name}_bucket` || !matches(sample.labels, wanted)) continue;
    const bound = sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + sample.value);
  }
  const sorted = [...buckets].sort(([a], [b]) => a - b);
  const count = sorted.at(-1)?.[1] ?? 0;
  if (count === 0) return null;
  // Buckets are cumulative: the quantile lies in the first bucket whose count reaches its rank.
  const quantile = (q: number) => sorted.find(([, cumulative]) => cumulative >= q * count)![0];
  return { count, p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99) };
}

/** The value of the first sample named `name` whose labels include `wanted`; null when there is none. */
export function gaugeValue(text: string, name: string, wanted: Readonly<Record<string, string>> = {}): number | null {
  return samples(text).find((sample) => sample.name === name && matches(sample.labels, wanted))?.value ?? null;
}
