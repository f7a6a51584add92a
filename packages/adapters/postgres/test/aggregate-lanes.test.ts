import { describe, expect, it } from 'vitest';
import { handleInLanes } from '../src/aggregate-lanes.js';

interface Item {
  readonly aggregate: string;
  readonly n: number;
  readonly ms: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('handleInLanes', () => {
  it('keeps each aggregate in batch order, runs aggregates side by side, at most `concurrency` at once', async () => {
    // Uneven handler times: a lane that ran an aggregate's items concurrently would reorder them.
    const items: Item[] = [];
    for (let n = 0; n < 4; n += 1) for (const aggregate of ['a', 'b', 'c', 'd', 'e']) items.push({ aggregate, n, ms: ((n * 7 + aggregate.charCodeAt(0)) % 5) * 3 });
    const seen = new Map<string, number[]>();
    let running = 0;
    let peak = 0;
    const outcome = await handleInLanes(items, {
      aggregateOf: (item) => item.aggregate,
      handle: async (item) => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(item.ms);
        seen.set(item.aggregate, [...(seen.get(item.aggregate) ?? []), item.n]);
        running -= 1;
      },
      onFailure: () => {},
      concurrency: 3,
      keepGoing: () => true,
    });
    expect(outcome).toEqual({ handledPrefix: items.length, failed: false });
    for (const aggregate of ['a', 'b', 'c', 'd', 'e']) expect(seen.get(aggregate)).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(3);
  });

  it('after a failure starts nothing more, never runs the failed aggregate past it, and reports the handled prefix', async () => {
    const items: Item[] = [
      { aggregate: 'a', n: 0, ms: 0 },
      { aggregate: 'b', n: 0, ms: 0 },
      { aggregate: 'a', n: 1, ms: 0 },
      { aggregate: 'b', n: 1, ms: 0 },
    ];
    const handled: string[] = [];
    const failures: unknown[] = [];
    const outcome = await handleInLanes(items, {
      aggregateOf: (item) => item.aggregate,
      handle: async (item) => {
        if (item.aggregate === 'b' && item.n === 0) throw new Error('boom');
        await sleep(5);
        handled.push(`${item.aggregate}${item.n}`);
      },
      onFailure: (error) => failures.push(error),
      concurrency: 8,
      keepGoing: () => true,
    });
    expect(outcome).toEqual({ handledPrefix: 1, failed: true });
    expect(handled).toEqual(['a0']);
    expect(failures).toHaveLength(1);
  });

  it('stops between items when told to, leaving the rest for the next owner', async () => {
    const items: Item[] = [0, 1, 2].map((n) => ({ aggregate: 'a', n, ms: 0 }));
    let going = true;
    const outcome = await handleInLanes(items, {
      aggregateOf: (item) => item.aggregate,
      handle: async (item) => {
        if (item.n === 1) going = false;
      },
      onFailure: () => {},
      concurrency: 4,
      keepGoing: () => going,
    });
    expect(outcome).toEqual({ handledPrefix: 2, failed: false });
  });
});
