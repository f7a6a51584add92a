import { describe, expect, it } from 'vitest';
import { perSecond, ranks, spearman } from './queue-stats.js';

describe('queue figures', () => {
  it('ranks ties with the mean of their ranks', () => {
    expect(ranks([30, 10, 20, 10])).toEqual([4, 1.5, 3, 1.5]);
  });

  it('Spearman: 1 for the same order, -1 reversed, ties handled, null when undefined', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [40, 30, 20, 10])).toBeCloseTo(-1);
    // Admissions in rounds: the pairs of one round tie; order across rounds still follows the joins.
    expect(spearman([1, 2, 3, 4, 5, 6], [1, 1, 1, 2, 2, 2])).toBeCloseTo(0.878, 3);
    expect(spearman([1, 2], [1, 2])).toBeNull();
    expect(spearman([1, 2, 3], [5, 5, 5])).toBeNull();
  });

  it('counts per second from a start', () => {
    expect(perSecond([1000, 1500, 2100, 4999], 1000)).toEqual([2, 1, 0, 1]);
  });
});
