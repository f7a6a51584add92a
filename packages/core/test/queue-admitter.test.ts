import { describe, expect, it } from 'vitest';
import { createMemoryAdmissionQueue } from '../src/memory/admission-queue.js';
import { createManualClock } from '../src/memory/clock.js';
import { createMemoryRateLimiter } from '../src/memory/rate-limiter.js';
import { createMemoryStockGate } from '../src/memory/stock-gate.js';
import { createAdmissionTokens } from '../src/queue/admission-tokens.js';
import { createQueueAdmitter } from '../src/queue/queue-admitter.js';
import { reserveRequest } from '../src/testing/reserve-request.js';

const KEY = 'admission-test-key-0123456789abcdef0123456789';
const MINUTE = 60_000;

/** A drop of `units` units with `shoppers` in its open fifo queue, on memory ports sharing a manual clock. */
async function world({ units = 10, shoppers = 30, margin = 0.1 } = {}) {
  const clock = createManualClock(new Date('2031-03-01T12:00:00Z'));
  const queue = createMemoryAdmissionQueue({ clock });
  const stockGate = createMemoryStockGate({ clock });
  const tokens = createAdmissionTokens({ key: KEY, rateLimiter: createMemoryRateLimiter({ now: () => clock.now().getTime() }), clock });
  const admitter = createQueueAdmitter({ queue, stockGate, tokens, admitForMs: 2 * MINUTE, abandonmentMargin: margin });
  const drop = { dropId: 'drop-1', sku: 'sku-1' };
  await stockGate.restock(drop.sku, units, 'op-initial');
  await queue.configure(drop.dropId, { opensAt: new Date(clock.now().getTime() - MINUTE), mode: 'fifo' });
  const customers = Array.from({ length: shoppers }, (_, i) => `shopper-${i}`);
  for (const customerId of customers) await queue.join(drop.dropId, customerId);
  /** An admitted shopper orders one unit: a hold at the gate, and the admission used. */
  const order = async (customerId: string) => {
    const request = reserveRequest(drop.sku, { customerId, holdUntil: new Date(clock.now().getTime() + 10 * MINUTE) });
    expect(await stockGate.reserve(request), `${customerId} holds a unit`).toEqual({ ok: true });
    expect((await queue.complete(drop.dropId, customerId))?.state, `${customerId} used the admission`).toBe('USED');
    return request.orderId;
  };
  return { clock, queue, stockGate, tokens, admitter, drop, customers, order };
}

describe('queue admitter', () => {
  it('admits about as many shoppers as units are available, plus the abandonment margin, with a token each', async () => {
    const { admitter, drop, customers, tokens } = await world({ units: 10, margin: 0.1 });
    const round = await admitter.admit(drop);
    expect(round.target, '10 units + 10 % (at least 1)').toBe(11);
    expect(round.admitted.map((shopper) => shopper.customerId), 'the first 11 shoppers in line').toEqual(customers.slice(0, 11));
    for (const shopper of round.admitted) {
      expect(await tokens.verify(shopper.token!, { customerId: shopper.customerId, dropId: drop.dropId }), 'each admission carries a valid token').toMatchObject({ ok: true });
    }
    expect((await admitter.admit(drop)).admitted, 'a second round with nothing changed admits nobody').toEqual([]);
    expect(round.status?.waiting, '19 still wait').toBe(19);
    expect(admitter.targetFor(0), 'no units, no admissions').toBe(0);
    expect(admitter.targetFor(1000), '1000 units: 1100 admissions').toBe(1100);
  });

  it('admits more when a hold is released, not while the orders hold their units', async () => {
    const { admitter, drop, customers, order, stockGate } = await world({ units: 10, margin: 0 });
    await admitter.admit(drop); // 10 + the minimum margin of 1
    const first = await order(customers[0]!);
    const second = await order(customers[1]!);
    expect((await admitter.admit(drop)).admitted, 'two orders took two units and two admissions: nothing to top up').toEqual([]);
    await stockGate.release(first);
    const round = await admitter.admit(drop);
    expect(round.admitted.map((shopper) => shopper.customerId), 'a released hold lets the next shopper in').toEqual([customers[11]]);
    await stockGate.release(second);
    expect((await admitter.admit(drop)).admitted.map((shopper) => shopper.customerId), 'and the next').toEqual([customers[12]]);
  });

  it('gives the turn of an admitted shopper who stays idle to the next one', async () => {
    const { admitter, drop, customers, clock, queue } = await world({ units: 2, shoppers: 6, margin: 0 });
    const first = await admitter.admit(drop);
    expect(first.admitted.map((shopper) => shopper.customerId), '2 units + 1: three admitted').toEqual(customers.slice(0, 3));
    clock.advance(2 * MINUTE + 1);
    const round = await admitter.admit(drop);
    expect(round.lapsed, 'the three idle admissions lapsed').toEqual(customers.slice(0, 3));
    expect(round.admitted.map((shopper) => shopper.customerId), 'their turns went to the next three').toEqual(customers.slice(3, 6));
    expect((await queue.position(drop.dropId, customers[0]!))?.state, 'a lapsed shopper is EXPIRED').toBe('EXPIRED');
  });

  it('closes the queue sold out once the gate has no unit left, not while units are only held', async () => {
    const { admitter, drop, customers, order, stockGate, queue } = await world({ units: 2, shoppers: 8, margin: 0 });
    await admitter.admit(drop);
    const orders = [await order(customers[0]!), await order(customers[1]!)];
    const held = await admitter.admit(drop);
    expect([held.closedSoldOut, held.admitted.length, held.available], 'every unit held: open, nobody admitted').toEqual([false, 0, 0]);
    for (const orderId of orders) await stockGate.commit(orderId);
    const round = await admitter.admit(drop);
    expect(round.closedSoldOut, 'every unit sold: the round closes the queue').toBe(true);
    expect(round.status?.state, 'the queue is SOLD_OUT').toBe('SOLD_OUT');
    expect((await queue.position(drop.dropId, customers[7]!))?.state, 'a shopper still waiting is told SOLD_OUT').toBe('SOLD_OUT');
    expect((await admitter.admit(drop)).closedSoldOut, 'a later round does not close it again').toBe(false);
  });

  it('never overshoots when several admitters run rounds at once', async () => {
    const { admitter, drop, queue } = await world({ units: 20, shoppers: 200, margin: 0.5 });
    const rounds = await Promise.all(Array.from({ length: 8 }, () => admitter.admit(drop)));
    expect(rounds.flatMap((round) => round.admitted), '8 concurrent rounds admit 20 + 50 % in all').toHaveLength(30);
    expect((await queue.status(drop.dropId))?.admitted, '30 running admissions').toBe(30);
  });

  it('rejects a bad configuration', () => {
    const queue = createMemoryAdmissionQueue();
    const stockGate = createMemoryStockGate();
    expect(() => createQueueAdmitter({ queue, stockGate, admitForMs: 0 })).toThrow(/admitForMs/);
    expect(() => createQueueAdmitter({ queue, stockGate, abandonmentMargin: -1 })).toThrow(/abandonmentMargin/);
  });
});
