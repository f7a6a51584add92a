import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../src/memory/logger.js';
import type { AdmissionEntry } from '../src/ports/admission-queue.js';
import { queueRoundEvents } from '../src/queue/queue-events.js';
import { createQueueNotices, type QueueNotice } from '../src/queue/queue-notices.js';

const DROP = 'drop-1';

/** A queue whose position reads wait until the test lets them go, counting how many were asked. */
function slowQueue() {
  let reads = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    queue: {
      async position(dropId: string, customerId: string): Promise<AdmissionEntry> {
        reads += 1;
        await gate;
        return { dropId, customerId, state: 'WAITING', position: reads, joinedAt: new Date(0), admittedUntil: null };
      },
    },
    reads: () => reads,
    release,
  };
}

const round = (admitted: string[]) =>
  queueRoundEvents({
    productId: DROP,
    admitted: admitted.map((customerId) => ({ customerId, admittedUntil: '2031-03-01T12:01:00.000Z' })),
    lapsed: ['lapsed-1'],
    soldOut: false,
    waiting: 1_000,
    running: admitted.length,
    abandoned: 1,
    drawn: true,
    opensAt: '2031-03-01T12:00:00.000Z',
    admitForSeconds: 60,
    at: '2031-03-01T12:00:00.000Z',
  })[0]!;

describe('queue notices', () => {
  it('hands admissions and lapses to emit at once, reads positions in the background, a bounded pass at a time', async () => {
    const { queue, reads, release } = slowQueue();
    const notices = createQueueNotices({ queue, issueToken: async ({ customerId }) => `token-${customerId}`, logger: createSilentLogger(), maxReadsPerRound: 50 });
    const connected = Array.from({ length: 400 }, (_, i) => `shopper-${i}`);
    const emitted: QueueNotice[] = [];
    const emit = (batch: readonly QueueNotice[]) => emitted.push(...batch);
    // The reads are held, yet the round is handled: the turn's events are out, nobody is placed yet.
    expect(await notices.onRound(round(['admitted-1', 'admitted-2']), connected, emit)).toEqual([]);
    expect(emitted.map((notice) => [notice.customerId, notice.type])).toEqual([
      ['admitted-1', 'queue.admitted'],
      ['admitted-2', 'queue.admitted'],
      ['lapsed-1', 'queue.lapsed'],
    ]);
    expect(emitted[0]!.data).toMatchObject({ admissionToken: 'token-admitted-1' });

    // A round while that pass runs reads nothing more, and its admissions go out at once too.
    await notices.onRound(round(['admitted-3']), connected, emit);
    expect(emitted.at(-2)).toMatchObject({ customerId: 'admitted-3', type: 'queue.admitted' });

    release();
    await expect.poll(() => emitted.filter((notice) => notice.type === 'queue.position').length).toBe(50);
    expect(reads(), 'one pass of at most maxReadsPerRound reads for both rounds').toBe(50);
    // The next round reads the next shoppers.
    await notices.onRound(round([]), connected, emit);
    await expect.poll(() => reads()).toBe(100);
  });

  it('returns every event when no emit is given', async () => {
    const { queue, release } = slowQueue();
    release();
    const notices = createQueueNotices({ queue, issueToken: async () => 'token', logger: createSilentLogger() });
    const all = await notices.onRound(round(['admitted-1']), ['shopper-1']);
    expect(all.map((notice) => notice.type)).toEqual(['queue.admitted', 'queue.lapsed', 'queue.position']);
  });
});
