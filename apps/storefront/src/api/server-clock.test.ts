import { beforeEach, describe, expect, it, vi } from 'vitest';

type Clock = typeof import('./server-clock.js');
let clock: Clock;

beforeEach(async () => {
  vi.resetModules();
  clock = await import('./server-clock.js');
});

const answer = (headers: Record<string, string>) => new Response('{}', { headers });

describe('the server clock estimate', () => {
  it('is the local clock until an answer arrives', () => {
    expect(clock.serverOffset()).toBe(0);
    expect(clock.serverOffsetUncertainty()).toBe(Number.POSITIVE_INFINITY);
  });

  it('reads a whole-second Date header as a one-second window, widened by the round trip', () => {
    // Sent at local 1000, answered at local 1100; the server's clock read 61 s (stamped between 61.000 and 61.999).
    clock.observeResponse(answer({ date: new Date(61_000).toUTCString() }), undefined, 1_000, 1_100);
    expect(clock.serverOffset()).toBe(Math.round((61_000 - 1_100 + 62_000 - 1_000) / 2));
    expect(clock.serverOffsetUncertainty()).toBe(550);
  });

  it('narrows with every answer, and a serverTime field pins it to the round trip', () => {
    clock.observeResponse(answer({ date: new Date(61_000).toUTCString() }), undefined, 1_000, 1_100);
    clock.observeResponse(answer({}), { serverTime: new Date(60_520).toISOString() }, 500, 520);
    // Offset within [60_520 − 520, 60_521 − 500] = [60_000, 60_021].
    expect(clock.serverOffset()).toBe(60_011);
    expect(clock.serverOffsetUncertainty()).toBeLessThanOrEqual(11);
  });

  it('reads X-Server-Time to the millisecond', () => {
    clock.observeResponse(answer({ 'x-server-time': '60520' }), undefined, 500, 520);
    expect(clock.serverOffset()).toBe(Math.round((60_520 - 520 + 60_521 - 500) / 2));
    expect(clock.serverOffsetUncertainty()).toBe(11);
  });

  it('starts over when a new answer no longer fits (the device clock was changed)', () => {
    clock.observeResponse(answer({}), { serverTime: new Date(10_000).toISOString() }, 0, 10);
    clock.observeResponse(answer({}), { serverTime: new Date(10_000).toISOString() }, 70_000, 70_010);
    expect(clock.serverOffset()).toBe(Math.round((10_000 - 70_010 + 10_001 - 70_000) / 2));
  });

  it('ignores answers without a usable time', () => {
    clock.observeResponse(answer({ date: 'not a date' }), { serverTime: 42 }, 0, 10);
    expect(clock.serverOffsetUncertainty()).toBe(Number.POSITIVE_INFINITY);
  });
});
