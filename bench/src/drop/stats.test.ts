import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load.js';
import { OUTCOME } from './load-types.js';
import { latencyOf, summarise } from './stats.js';

/** A firing of `rows` [startOffsetMs, latencyMs, status, outcome] starting at t = 1000 ms. */
function firing(rows: [number, number, number, number][], orderIds: string[] = []): LoadResult {
  const startedAt = 1000;
  return {
    startedAt,
    endedAt: startedAt + Math.max(...rows.map(([start, latency]) => start + latency)),
    samples: {
      count: rows.length,
      start: Float64Array.from(rows.map(([start]) => startedAt + start)),
      latency: Float64Array.from(rows.map(([, latency]) => latency)),
      status: Uint16Array.from(rows.map(([, , status]) => status)),
      outcome: Uint8Array.from(rows.map(([, , , outcome]) => outcome)),
    },
    orderIds,
    codes: {},
    answered: rows.filter(([, , , outcome]) => outcome === OUTCOME.accepted || outcome === OUTCOME.rejected).length,
    unanswered: 0,
  };
}

describe('latencyOf', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(latencyOf(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  });

  it('is all zeros without samples', () => {
    expect(latencyOf([])).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });
});

describe('summarise', () => {
  it('separates accepted, rejected and error answers and counts statuses', () => {
    const summary = summarise(
      firing(
        [
          [0, 10, 202, OUTCOME.accepted],
          [0, 30, 202, OUTCOME.accepted],
          [5, 2, 409, OUTCOME.rejected],
          [6, 4, 503, OUTCOME.retried],
          [7, 1, 0, OUTCOME.retried],
          [50, 50, 409, OUTCOME.rejected],
        ],
        ['a', 'b', 'a'],
      ),
    );
    expect(summary.attempts).toBe(6);
    expect(summary.seconds).toBeCloseTo(0.1);
    expect(summary.attemptsPerSecond).toBeCloseTo(60);
    expect(summary.accepted).toBe(2);
    expect(summary.rejected).toBe(2);
    expect(summary.errors).toBe(2);
    expect(summary.distinctOrderIds).toBe(2);
    expect(summary.statusCounts).toEqual({ '202': 2, '409': 2, '503': 1, 'network-error': 1 });
    expect(summary.latency.accepted.max).toBe(30);
    expect(summary.latency.rejected.max).toBe(50);
    // Accepts from t=0 to the last accept's answer at t=30 ms.
    expect(summary.acceptedPerSecond).toBeCloseTo(2 / 0.03);
    expect(summary.lastAcceptAt).toBe(1030);
  });

  it('spreads answers over the timeline by arrival', () => {
    const rows: [number, number, number, number][] = Array.from({ length: 10 }, (_, index) => [index * 100, 10, 409, OUTCOME.rejected]);
    const { timeline } = summarise(firing(rows));
    const total = timeline.reduce((sum, bucket) => sum + bucket.rejectedPerSecond * (timeline[1]!.t - timeline[0]!.t), 0);
    expect(total).toBeCloseTo(10);
    expect(timeline.every((bucket) => bucket.acceptedPerSecond === 0)).toBe(true);
  });
});
