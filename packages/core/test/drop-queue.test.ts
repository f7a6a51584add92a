import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../src/domain/events.js';
import { createEngine } from '../src/engine/create-engine.js';
import { createManualClock } from '../src/memory/clock.js';
import { createSilentLogger } from '../src/memory/logger.js';
import { QUEUE_ROUND_EVENT, type QueueRoundPayload } from '../src/queue/queue-events.js';
import { createQueueNotices } from '../src/queue/queue-notices.js';

const MINUTE = 60_000;
const KEY = 'drop-queue-test-key-0123456789abcdef0123456789';

/** An engine on memory ports and a manual clock (not started: rounds run when the test says), with one drop. */
async function world({ units = 3, shoppers = 12, opensInMs = MINUTE, limit = 1 } = {}) {
  const clock = createManualClock(new Date('2031-03-01T12:00:00Z'));
  const published: DomainEvent[] = [];
  const outbox = {
    async append(events: readonly DomainEvent[]) {
      published.push(...events);
    },
    claimUnshipped: async () => [],
    markShipped: async () => {},
  };
  const engine = createEngine({
    adapters: { clock, logger: createSilentLogger(), outbox },
    config: { admissionTokenKey: KEY, admissionAttempts: 2, soldOutCacheMs: 0, queueViewCacheMs: 0 },
  });
  const { useCases } = engine;
  const product = await useCases.createProduct({
    name: 'Queued',
    description: 'x',
    price: { amount: 1_000, currency: 'USD' },
    maxQuantityPerCustomer: limit,
  });
  await useCases.restock({ productId: product.id, quantity: units, opId: `stock:${product.id}` });
  const opensAt = new Date(clock.now().getTime() + opensInMs);
  const customers = Array.from({ length: shoppers }, (_, i) => `shopper-${i}`);
  const rounds = () => published.filter((event) => event.type === QUEUE_ROUND_EVENT).map((event) => event.payload as QueueRoundPayload);
  return { clock, engine, useCases, product, opensAt, customers, published, rounds };
}

describe('drop queue use cases', () => {
  it('configures a queue with its policy, joins once, counts addresses and requires proof of work when asked', async () => {
    const { useCases, product, opensAt } = await world();
    expect(await useCases.getDropQueue(product.id)).toBeNull();
    await expect(useCases.configureDropQueue({ productId: 'nope', opensAt, mode: 'fifo' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(useCases.configureDropQueue({ productId: product.id, opensAt, mode: 'fifo', admitForSeconds: 1 })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    const configured = await useCases.configureDropQueue({ productId: product.id, opensAt, mode: 'fifo', maxEntriesPerAddress: 2, admitForSeconds: 60 });
    expect(configured).toMatchObject({ state: 'OPEN', drawn: true, admitForSeconds: 60, abandonmentMargin: 0.1, maxEntriesPerAddress: 2, proofOfWork: null });

    const first = await useCases.joinDropQueue({ customerId: 'a', productId: product.id, clientAddress: '10.0.0.1' });
    expect(first).toMatchObject({ ok: true, joined: true, ticket: { state: 'WAITING', position: 1, drawAt: null, admissionToken: null } });
    const again = await useCases.joinDropQueue({ customerId: 'a', productId: product.id, clientAddress: '10.0.0.1' });
    expect(again).toMatchObject({ ok: true, joined: false });
    expect(await useCases.joinDropQueue({ customerId: 'b', productId: product.id, clientAddress: '10.0.0.1' })).toMatchObject({ ok: true });
    expect(await useCases.joinDropQueue({ customerId: 'c', productId: product.id, clientAddress: '10.0.0.1' })).toEqual({ ok: false, reason: 'ADDRESS_CAP' });
    expect((await useCases.getDropQueueAdmin(product.id))?.suspiciousAddresses).toEqual([{ address: '10.0.0.1', entries: 2 }]);

    // The policy changes on its own; what is left out is kept.
    await useCases.configureDropQueue({ productId: product.id, opensAt, mode: 'fifo', proofOfWork: { difficulty: 1_000 } });
    expect(await useCases.getDropQueueAdmin(product.id)).toMatchObject({ maxEntriesPerAddress: 2, proofOfWork: { difficulty: 1_000 } });
    expect(await useCases.joinDropQueue({ customerId: 'd', productId: product.id })).toEqual({ ok: false, reason: 'PROOF_OF_WORK_REQUIRED' });
    expect(await useCases.joinDropQueue({ customerId: 'd', productId: product.id, proofOfWork: 'invalid' })).toEqual({
      ok: false,
      reason: 'PROOF_OF_WORK_INVALID',
    });
    expect(await useCases.joinDropQueue({ customerId: 'd', productId: product.id, proofOfWork: 'valid', proofOfWorkId: 'sig-1' })).toMatchObject({ ok: true });
    // One solution, one entry.
    expect(await useCases.joinDropQueue({ customerId: 'e', productId: product.id, proofOfWork: 'valid', proofOfWorkId: 'sig-1' })).toEqual({
      ok: false,
      reason: 'PROOF_OF_WORK_INVALID',
    });
    expect(await useCases.leaveDropQueue({ customerId: 'a', productId: product.id })).toMatchObject({ state: 'LEFT', position: null });
    expect(await useCases.getQueueTicket({ customerId: 'zz', productId: product.id })).toBeNull();
    expect(await useCases.joinDropQueue({ customerId: 'zz', productId: 'no-queue' })).toEqual({ ok: false, reason: 'NO_QUEUE' });
  });

  it('admits by rounds, requires and consumes tokens on orders, and publishes one round event per drop and round', async () => {
    const { clock, useCases, product, opensAt, customers, rounds } = await world({ units: 3, shoppers: 12 });
    await useCases.configureDropQueue({ productId: product.id, opensAt, mode: 'raffle-then-fifo', admitForSeconds: 30, abandonmentMargin: 0 });
    for (const customerId of customers) {
      const joined = await useCases.joinDropQueue({ customerId, productId: product.id });
      expect(joined).toMatchObject({ ok: true, ticket: { position: null, drawAt: opensAt } });
    }
    expect(await useCases.placeOrder({ customerId: customers[0]!, productId: product.id, quantity: 1 })).toEqual({ ok: false, reason: 'ADMISSION_REQUIRED' });

    await useCases.admitQueues();
    expect(rounds().at(-1)).toMatchObject({ admitted: [], drawn: false, waiting: 12 });
    const quiet = rounds().length;
    await useCases.admitQueues();
    expect(rounds(), 'a round that changed nothing publishes nothing').toHaveLength(quiet);

    clock.set(opensAt);
    await useCases.admitQueues();
    const opening = rounds().at(-1)!;
    expect(opening).toMatchObject({ drawn: true, moved: 4, waiting: 8, running: 4 });
    const admitted = opening.admitted.map((admission) => admission.customerId);
    expect(admitted).toHaveLength(4);

    const ticket = (await useCases.getQueueTicket({ customerId: admitted[0]!, productId: product.id }))!;
    expect(ticket).toMatchObject({ state: 'ADMITTED', position: null, drawAt: null });
    const token = ticket.admissionToken!;
    expect(await useCases.placeOrder({ customerId: admitted[1]!, productId: product.id, quantity: 1, admissionToken: token })).toEqual({
      ok: false,
      reason: 'ADMISSION_INVALID',
    });
    const placed = await useCases.placeOrder({ customerId: admitted[0]!, productId: product.id, quantity: 1, admissionToken: token });
    expect(placed.ok).toBe(true);
    expect((await useCases.getQueueTicket({ customerId: admitted[0]!, productId: product.id }))?.state).toBe('USED');
    expect(await useCases.placeOrder({ customerId: admitted[0]!, productId: product.id, quantity: 1, admissionToken: token })).toEqual({
      ok: false,
      reason: 'LIMIT_EXCEEDED',
    });
    expect(await useCases.placeOrder({ customerId: admitted[0]!, productId: product.id, quantity: 1, admissionToken: token })).toEqual({
      ok: false,
      reason: 'ADMISSION_SPENT',
    });

    // The other three let their admissions lapse: their turns go to the next in line (2 units left + 1).
    clock.advance(31_000);
    await useCases.admitQueues();
    const after = rounds().at(-1)!;
    expect([...after.lapsed].sort()).toEqual(admitted.slice(1).sort());
    expect(after.admitted).toHaveLength(3);
    const lateToken = await useCases.issueAdmissionToken({ customerId: admitted[1]!, dropId: product.id, admittedUntil: new Date(clock.now().getTime() - 1_000) });
    expect(await useCases.placeOrder({ customerId: admitted[1]!, productId: product.id, quantity: 1, admissionToken: lateToken })).toEqual({
      ok: false,
      reason: 'ADMISSION_EXPIRED',
    });
  });

  it('replays a retried order under its Idempotency-Key without spending the admission attempts', async () => {
    const { clock, useCases, product, opensAt, customers } = await world({ units: 3, shoppers: 2, limit: 2 });
    await useCases.configureDropQueue({ productId: product.id, opensAt, mode: 'fifo', admitForSeconds: 30 });
    await useCases.joinDropQueue({ customerId: customers[0]!, productId: product.id });
    clock.set(opensAt);
    await useCases.admitQueues();
    const { admissionToken } = (await useCases.getQueueTicket({ customerId: customers[0]!, productId: product.id }))!;
    const attempt = { customerId: customers[0]!, productId: product.id, quantity: 1, admissionToken: admissionToken!, idempotencyKey: 'retry-key' };
    const placed = await useCases.placeOrder(attempt);
    expect(placed.ok).toBe(true);
    // The world's budget is 2 attempts: three retries of the accepted attempt all replay its order.
    for (let retry = 0; retry < 3; retry += 1) {
      const again = await useCases.placeOrder(attempt);
      expect(again).toMatchObject({ ok: true, replayed: true });
      expect(again.ok && placed.ok && again.order.id).toBe(placed.ok && placed.order.id);
    }
  });

  it('turns round events into per-shopper notices: positions moved by admissions, admitted with a token, sold out', async () => {
    const { clock, useCases, product, opensAt, customers, rounds, engine, published } = await world({ units: 2, shoppers: 8 });
    await useCases.configureDropQueue({ productId: product.id, opensAt, mode: 'raffle-then-fifo', admitForSeconds: 30, abandonmentMargin: 0 });
    for (const customerId of customers) await useCases.joinDropQueue({ customerId, productId: product.id });
    const notices = createQueueNotices({
      queue: engine.ports.admissionQueue,
      issueToken: (admission) => useCases.issueAdmissionToken(admission),
      logger: createSilentLogger(),
      now: () => clock.now().getTime(),
    });
    await useCases.admitQueues();
    let seen = 0;
    const deliver = async () => {
      const fresh = published.slice(seen);
      seen += fresh.length;
      const out = [];
      for (const event of fresh) out.push(...(await notices.onRound(event, customers)));
      return out;
    };
    expect((await deliver()).filter((notice) => notice.type === 'queue.position'), 'no position before the draw').toEqual([]);

    clock.set(opensAt);
    await useCases.admitQueues();
    const opening = await deliver();
    const admittedNotices = opening.filter((notice) => notice.type === 'queue.admitted');
    expect(admittedNotices).toHaveLength(3);
    for (const notice of admittedNotices) expect(notice.data).toMatchObject({ productId: product.id, admissionToken: expect.any(String) });
    const positions = opening.filter((notice) => notice.type === 'queue.position');
    expect(positions.map((notice) => notice.data.position).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(positions.map((notice) => notice.id)).size, 'one id per round event').toBe(1);
    expect(rounds().at(-1)).toMatchObject({ moved: 3 });

    // Two buy; nothing is available: the line does not move, and nobody gets a new position.
    for (const notice of admittedNotices.slice(0, 2)) {
      const ticket = await useCases.getQueueTicket({ customerId: notice.customerId, productId: product.id });
      expect((await useCases.placeOrder({ customerId: notice.customerId, productId: product.id, quantity: 1, admissionToken: ticket!.admissionToken! })).ok).toBe(true);
    }
    await useCases.admitQueues();
    expect((await deliver()).filter((notice) => notice.type === 'queue.position')).toEqual([]);

    // The shopper first in line leaves: once the tracked positions are due, those behind are read again and move up.
    const first = positions.find((notice) => notice.data.position === 1)!.customerId;
    await useCases.leaveDropQueue({ customerId: first, productId: product.id });
    clock.advance(31_000);
    await useCases.admitQueues();
    const moved = (await deliver()).filter((notice) => notice.type === 'queue.position');
    expect(moved.map((notice) => notice.data.position).sort()).toEqual([1, 2, 3, 4]);
  });
});
