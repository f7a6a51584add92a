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
  it('hands admissions and lapses to emit before any position is read, and bounds the reads of one round', async () => {
    const { queue, reads, release } = slowQueue();
    const notices = createQueueNotices({ queue, issueToken: async ({ customerId }) => `token-${customerId}`, logger: createSilentLogger(), maxReadsPerRound: 50 });
    const connected = Array.from({ length: 400 }, (_, i) => `shopper-${i}`);
    const emitted: QueueNotice[] = [];
    const handling = notices.onRound(round(['admitted-1', 'admitted-2']), connected, (batch) => emitted.push(...batch));
    // The reads are held: the turn's events are out already.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(emitted.map((notice) => [notice.customerId, notice.type])).toEqual([
      ['admitted-1', 'queue.admitted'],
      ['admitted-2', 'queue.admitted'],
      ['lapsed-1', 'queue.lapsed'],
    ]);
    expect(emitted[0]!.data).toMatchObject({ admissionToken: 'token-admitted-1' });
    release();
    const positions = await handling;
    expect(reads(), 'at most maxReadsPerRound positions read in one round').toBe(50);
    expect(positions.every((notice) => notice.type === 'queue.position')).toBe(true);
    expect(positions).toHaveLength(50);

    // The next round reads the next shoppers.
    await notices.onRound(round([]), connected);
    expect(reads()).toBe(100);
  });

  it('returns every event when no emit is given', async () => {
    const { queue, release } = slowQueue();
    release();
    const notices = createQueueNotices({ queue, issueToken: async () => 'token', logger: createSilentLogger() });
    const all = await notices.onRound(round(['admitted-1']), ['shopper-1']);
    expect(all.map((notice) => notice.type)).toEqual(['queue.admitted', 'queue.lapsed', 'queue.position']);
  });
});
