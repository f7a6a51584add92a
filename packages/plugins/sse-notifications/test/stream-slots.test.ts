import { describe, expect, it } from 'vitest';
import { createStreamSlots } from '../src/stream-slots.js';

describe('stream slots', () => {
  it('caps streams per customer and in total, and frees a slot once, on release', () => {
    const slots = createStreamSlots({ perCustomer: 2, total: 3 });
    const first = slots.acquire('alice');
    const second = slots.acquire('alice');
    expect([first.ok, second.ok]).toEqual([true, true]);
    expect(slots.acquire('alice')).toEqual({ ok: false, limit: 'perCustomer' });
    expect(slots.acquire('bob').ok).toBe(true);
    expect(slots.acquire('carol')).toEqual({ ok: false, limit: 'total' });
    if (!first.ok) throw new Error('unreachable');
    first.release();
    first.release();
    expect(slots.open()).toBe(2);
    expect(slots.acquire('alice').ok).toBe(true);
    expect(slots.acquire('carol')).toEqual({ ok: false, limit: 'total' });
  });

  it('defaults to 8 per customer and refuses limits that are not positive integers', () => {
    const slots = createStreamSlots();
    const held = Array.from({ length: 8 }, () => slots.acquire('dave'));
    expect(held.every((slot) => slot.ok)).toBe(true);
    expect(slots.acquire('dave')).toEqual({ ok: false, limit: 'perCustomer' });
    expect(() => createStreamSlots({ perCustomer: 0 })).toThrow(/perCustomer/);
    expect(() => createStreamSlots({ total: 1.5 })).toThrow(/total/);
  });
});
