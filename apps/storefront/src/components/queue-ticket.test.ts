import { describe, expect, it } from 'vitest';
import type { QueueTicket } from '../api/queue.js';
import { withEvent } from './queue-ticket.js';

const waiting: QueueTicket = {
  productId: 'p1',
  state: 'WAITING',
  position: 40,
  waiting: 90,
  drawAt: null,
  estimatedWaitSeconds: 300,
  admittedUntil: null,
  admissionToken: null,
  nextPollSeconds: 7,
  serverTime: '2026-12-05T20:00:00.000Z',
};

describe('a ticket with a newer stream event', () => {
  it('a position event moves a waiting shopper', () => {
    expect(withEvent(waiting, { type: 'queue.position', productId: 'p1', position: 12, waiting: 60, estimatedWaitSeconds: 90 })).toMatchObject({
      state: 'WAITING',
      position: 12,
      waiting: 60,
      estimatedWaitSeconds: 90,
    });
  });

  it('admitted, sold out and lapsed change the state at once', () => {
    const admitted = withEvent(waiting, { type: 'queue.admitted', productId: 'p1', admittedUntil: '2026-12-05T20:02:00.000Z', admissionToken: 't' });
    expect(admitted).toMatchObject({ state: 'ADMITTED', position: null, admittedUntil: '2026-12-05T20:02:00.000Z', admissionToken: 't' });
    expect(withEvent(admitted, { type: 'queue.lapsed', productId: 'p1' })).toMatchObject({ state: 'EXPIRED', admissionToken: null });
    expect(withEvent(waiting, { type: 'queue.sold-out', productId: 'p1' })).toMatchObject({ state: 'SOLD_OUT', position: null });
  });

  it('an event that does not fit the state changes nothing (a late position after admission, sold out after admission)', () => {
    const admitted: QueueTicket = { ...waiting, state: 'ADMITTED', position: null, admittedUntil: '2026-12-05T20:02:00.000Z', admissionToken: 't' };
    expect(withEvent(admitted, { type: 'queue.position', productId: 'p1', position: 3, waiting: 5, estimatedWaitSeconds: 10 })).toBe(admitted);
    expect(withEvent(admitted, { type: 'queue.sold-out', productId: 'p1' })).toBe(admitted);
    expect(withEvent(waiting, { type: 'queue.lapsed', productId: 'p1' })).toBe(waiting);
  });
});
