/** Figures of a queued drop: rank correlation and fairness, from what each simulated shopper saw. */

/** Ranks 1..n of `values`, ties sharing the mean of their ranks. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const result = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) result[order[k]!.index] = rank;
    start = end + 1;
  }
  return result;
}

/**
 * Spearman's rank correlation of two paired samples (Pearson's correlation of their ranks, so ties are handled):
 * 1 when the second keeps the order of the first, about 0 when unrelated. null with fewer than 3 pairs or when a
 * sample is constant.
 */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new Error('spearman: samples of different sizes');
  const n = xs.length;
  if (n < 3) return null;
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = rx[i]! - mean;
    const dy = ry[i]! - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** Answers per second in 1-second buckets from `from`; the largest bucket is the peak rate. */
export function perSecond(times: readonly number[], from: number): number[] {
  const buckets: number[] = [];
  for (const at of times) {
    const bucket = Math.max(0, Math.floor((at - from) / 1000));
    while (buckets.length <= bucket) buckets.push(0);
    buckets[bucket]! += 1;
  }
  return buckets;
}
