import { afterEach, describe, expect, it } from 'vitest';
import { client, createStockedProduct, createUsers, startTestServer, type TestServer } from './support.js';

/**
 * Issue 18 finding 4: behind a proxy that appends to X-Forwarded-For, the per-address order limit read the
 * left-most hop, which the client writes, so a client that varied it was never limited.
 */
describe('client address behind trusted proxies', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Places orders from distinct shoppers, each with its own X-Forwarded-For; returns the statuses. */
  const orderWith = async (forwardedFor: (attempt: number) => string | undefined, attempts: number) => {
    const product = await createStockedProduct(server!, { units: 100, limit: 1 });
    const shoppers = await createUsers(server!, attempts);
    const api = client(server!.url);
    const statuses: number[] = [];
    for (const [attempt, shopper] of shoppers.entries()) {
      const header = forwardedFor(attempt);
      const response = await api.post('/api/orders', { productId: product.id, quantity: 1 }, {
        token: shopper.token,
        headers: header === undefined ? {} : { 'x-forwarded-for': header },
      });
      statuses.push(response.status);
    }
    return statuses;
  };

  it('takes the right-most hop the trusted proxy wrote, not the one the client wrote (TRUST_PROXY=1)', async () => {
    server = await startTestServer('memory', { TRUST_PROXY: '1', RATE_LIMIT_ORDERS_PER_IP_PER_MINUTE: '2' });
    // The client forges a fresh left-most address each time; the proxy appends the real one (203.0.113.7).
    const statuses = await orderWith((attempt) => `198.51.100.${attempt}, 203.0.113.7`, 4);
    expect(statuses).toEqual([202, 202, 429, 429]);
  });

  it('counts hops: with two proxies the client is the second address from the right', async () => {
    server = await startTestServer('memory', { TRUST_PROXY: '2', RATE_LIMIT_ORDERS_PER_IP_PER_MINUTE: '2' });
    // Forged, client, edge proxy → the limit follows the client (203.0.113.7) whatever it forges.
    const sameClient = await orderWith((attempt) => `198.51.100.${attempt}, 203.0.113.7, 10.0.0.1`, 3);
    expect(sameClient).toEqual([202, 202, 429]);
  });

  it('`true` means one proxy', async () => {
    server = await startTestServer('memory', { TRUST_PROXY: 'true', RATE_LIMIT_ORDERS_PER_IP_PER_MINUTE: '1' });
    expect(await orderWith((attempt) => `198.51.100.${attempt}, 203.0.113.9`, 2)).toEqual([202, 429]);
  });

  it('ignores X-Forwarded-For entirely without trusted proxies (the socket peer is the client)', async () => {
    server = await startTestServer('memory', { TRUST_PROXY: 'false', RATE_LIMIT_ORDERS_PER_IP_PER_MINUTE: '2' });
    expect(await orderWith((attempt) => `203.0.113.${attempt}`, 3)).toEqual([202, 202, 429]);
  });

  it('refuses a TRUST_PROXY that is neither a boolean nor a hop count', async () => {
    await expect(startTestServer('memory', { TRUST_PROXY: 'yes' })).rejects.toThrow(/TRUST_PROXY/);
  });
});
