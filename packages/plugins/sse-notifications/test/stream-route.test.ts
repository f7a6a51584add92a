import { describe, expect, it } from 'vitest';
import { createNotificationHub } from '../src/hub.js';
import { notificationsRoute } from '../src/stream-route.js';

/** Reads a stream's text until `done` says enough, or the time is up. */
async function readUntil(body: ReadableStream<Uint8Array>, done: (text: string) => boolean, timeoutMs = 5_000): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!done(text) && Date.now() < deadline) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

describe('notification stream route', () => {
  it('sends a reader that fell behind the latest of superseding notifications, and every other one', async () => {
    const hub = createNotificationHub();
    const shutdown = new AbortController();
    const app = notificationsRoute<{ customerId: string }>({
      hub,
      authenticate: async (c, next) => {
        c.set('customerId', 'gus');
        await next();
      },
      customerIdOf: (variables) => variables.customerId,
      shutdownSignal: shutdown.signal,
    });
    const response = await app.request('/stream');
    expect(response.status).toBe(200);
    const reading = readUntil(response.body!, (text) => text.includes('r1.admitted'));
    // Wait for the stream to subscribe, then queue a burst in one turn: 30 positions and the admission behind them.
    await expect.poll(() => [...hub.connectedCustomers()]).toEqual(['gus']);
    for (let round = 1; round <= 30; round += 1) {
      hub.notify('gus', { id: `r${round}.position`, event: 'queue.position', data: { position: 31 - round }, supersedes: 'queue.position:p1' });
    }
    hub.notify('gus', { id: 'r1.admitted', event: 'queue.admitted', data: { productId: 'p1' } });
    const text = await reading;
    shutdown.abort();
    const ids = [...text.matchAll(/^id: (.+)$/gm)].map((match) => match[1]);
    expect(ids.at(-1), 'the admission is sent').toBe('r1.admitted');
    expect(ids.filter((id) => id?.endsWith('.position')).length, 'positions sent while the reader was behind: the latest only, at most one more').toBeLessThanOrEqual(2);
    expect(ids).toContain('r30.position');
  });
});
