import { describe, expect, it } from 'vitest';
import { nextPollSeconds } from '../src/queue/estimates.js';

const now = new Date('2031-03-01T12:00:00Z');
const opensAt = new Date(now.getTime() - 1_000);

describe('nextPollSeconds', () => {
  it('grows with the position, from 2 s near the head', () => {
    const at = (position: number) => nextPollSeconds({ state: 'WAITING', position, admitForSeconds: 600, opensAt, now });
    expect(at(1)).toBe(2);
    expect(at(100)).toBe(10);
    expect(at(2_500)).toBe(50);
    expect(at(1_000_000)).toBe(60);
  });

  it('never exceeds a quarter of a turn, so a polling shopper sees most of theirs', () => {
    for (const admitForSeconds of [15, 60, 120]) {
      for (const position of [1, 50, 5_000, 50_000]) {
        const poll = nextPollSeconds({ state: 'WAITING', position, admitForSeconds, opensAt, now });
        expect(poll, `position ${position}, turn ${admitForSeconds} s`).toBeLessThanOrEqual(Math.max(2, admitForSeconds / 4));
      }
      expect(nextPollSeconds({ state: 'ADMITTED', position: null, admitForSeconds, opensAt, now })).toBeLessThanOrEqual(Math.max(2, admitForSeconds / 4));
    }
  });

  it('waits for the opening before a raffle is drawn, and slowly once the ticket is final', () => {
    const later = new Date(now.getTime() + 20_000);
    expect(nextPollSeconds({ state: 'WAITING', position: null, admitForSeconds: 120, opensAt: later, now })).toBe(20);
    expect(nextPollSeconds({ state: 'SOLD_OUT', position: null, admitForSeconds: 120, opensAt, now })).toBe(60);
  });
});
