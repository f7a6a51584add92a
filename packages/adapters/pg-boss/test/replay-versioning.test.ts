import { PAYMENT_RETRY_CHANGE, type OrderSagaActivities, orderSaga } from '@limitedcart/core/saga';
import type { PoolClient } from 'pg';
import { describe, expect, it } from 'vitest';
import { ReplayContext } from '../src/replay-context.js';
import { type JournalEntry, SagaTables } from '../src/store.js';

const declined = { type: 'payment-failed', paymentId: 'p1', reason: 'card declined' } as const;

/** Activities that must not run: every call here is answered from the journal. */
const unreachable = new Proxy({} as OrderSagaActivities, {
  get: (_, name) => () => Promise.reject(new Error(`activity ${String(name)} ran instead of being replayed`)),
});

const replay = (journal: JournalEntry[]) => {
  // Never touched: a fully recorded journal is replayed without a database round trip.
  const client = {} as PoolClient;
  return new ReplayContext(client, new SagaTables('unused'), 'o1', journal, unreachable, false, 'starting');
};

const activity = (seq: number, name: string, args: unknown[], value: unknown = null): JournalEntry => ({
  seq,
  kind: 'activity',
  payload: { name, args, value },
});

describe('journal replay across the payment-retry change', () => {
  it('replays a journal written before the change as it was: the decline ended the order', async () => {
    const journal: JournalEntry[] = [
      activity(0, 'markPaymentPending', ['o1']),
      { seq: 1, kind: 'signal', payload: { signal: declined } },
      activity(2, 'releaseStock', ['o1']),
      activity(3, 'endOrder', ['o1', 'FAILED', 'payment declined: card declined']),
      { seq: 4, kind: 'drain', payload: { signals: [] } },
    ];
    const result = await orderSaga(replay(journal), { orderId: 'o1', paymentDeadline: '2030-01-01T00:00:00.000Z' });
    expect(result).toMatchObject({ status: 'FAILED', reason: 'payment declined: card declined' });
  });

  it('replays a journal written after it, whose marker says the saga kept waiting', async () => {
    const journal: JournalEntry[] = [
      activity(0, 'markPaymentPending', ['o1']),
      { seq: 1, kind: 'signal', payload: { signal: declined } },
      activity(2, `patched:${PAYMENT_RETRY_CHANGE}`, [], true),
      { seq: 3, kind: 'signal', payload: { signal: { type: 'payment-succeeded', paymentId: 'p2' } } },
      activity(4, 'commitStock', ['o1'], true),
      activity(5, 'confirmOrder', ['o1']),
      { seq: 6, kind: 'drain', payload: { signals: [] } },
    ];
    const result = await orderSaga(replay(journal), { orderId: 'o1', paymentDeadline: '2030-01-01T00:00:00.000Z' });
    expect(result).toMatchObject({ status: 'CONFIRMED' });
  });
});
