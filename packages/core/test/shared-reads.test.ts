import { describe, expect, it } from 'vitest';
import { createSharedReads } from '../src/queue/shared-reads.js';

function counted(values: () => Promise<number>) {
  let reads = 0;
  return {
    read: (_key: string) => {
      reads += 1;
      return values();
    },
    reads: () => reads,
  };
}

describe('createSharedReads', () => {
  it('answers concurrent and recent asks from one read per key, and reads again after the ttl', async () => {
    let t = 0;
    const source = counted(async () => 7);
    const shared = createSharedReads(source.read, { ttlMs: 500, now: () => t });
    expect(await Promise.all([shared.get('a'), shared.get('a'), shared.get('a')])).toEqual([7, 7, 7]);
    expect(source.reads()).toBe(1);
    await shared.get('b');
    expect(source.reads(), 'one read per key').toBe(2);
    t = 499;
    await shared.get('a');
    expect(source.reads()).toBe(2);
    t = 500;
    await shared.get('a');
    expect(source.reads()).toBe(3);
  });

  it('keeps no failed read, forgets on demand, and reads every time with a ttl of 0', async () => {
    let fail = true;
    const source = counted(async () => {
      if (fail) throw new Error('down');
      return 1;
    });
    const shared = createSharedReads(source.read, { ttlMs: 10_000, now: () => 0 });
    await expect(shared.get('a')).rejects.toThrow('down');
    fail = false;
    expect(await shared.get('a')).toBe(1);
    expect(source.reads()).toBe(2);
    shared.forget('a');
    await shared.get('a');
    expect(source.reads()).toBe(3);

    const direct = counted(async () => 2);
    const uncached = createSharedReads(direct.read, { ttlMs: 0 });
    await Promise.all([uncached.get('a'), uncached.get('a')]);
    expect(direct.reads()).toBe(2);
  });
});
