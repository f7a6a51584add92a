import { waitFor } from '@limitedcart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type SseStream } from './sse.js';
import { createUsers, startTestServer, type TestServer, type TestUser } from './support.js';

/** Issue 18 finding 9: one token opened 2,000 notification streams; now they are capped per customer and in total. */
describe('notification stream caps', () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  const open: SseStream[] = [];
  const stream = async (user: TestUser) => {
    const opened = await openSse(`${server.url}/api/notifications/stream`, { authorization: `Bearer ${user.token}` });
    if (opened.status === 200) open.push(opened);
    return opened;
  };

  beforeAll(async () => {
    server = await startTestServer('memory', { SSE_MAX_STREAMS_PER_PRINCIPAL: '2', SSE_MAX_STREAMS: '3' });
    [alice, bob] = (await createUsers(server, 2)) as [TestUser, TestUser];
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await server?.close();
  });

  it('refuses a customer’s stream over the per-customer cap with 429 TOO_MANY_STREAMS', async () => {
    expect((await stream(alice)).status).toBe(200);
    expect((await stream(alice)).status).toBe(200);
    const refused = await fetch(`${server.url}/api/notifications/stream`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({ status: 429, code: 'TOO_MANY_STREAMS' });
  });

  it('refuses anyone once the process holds its total, and frees a slot when a stream closes', async () => {
    expect((await stream(bob)).status).toBe(200);
    expect((await stream(bob)).status).toBe(429);
    // Alice closes one of hers: once the server sees the stream end, Bob gets the slot.
    open.shift()!.close();
    await waitFor(
      async () => {
        const next = await stream(bob);
        return next.status === 200;
      },
      { timeoutMs: 10_000, message: 'the closed stream’s slot to be free' },
    );
  });
});
