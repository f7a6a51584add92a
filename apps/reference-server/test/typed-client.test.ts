import { createLimitedCartClient } from '@limitedcart/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStockedProduct, createUsers, startTestServer, type TestServer } from './support.js';

/** The published `@limitedcart/client` against the server whose document generated its types. */
describe('@limitedcart/client against the reference server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('memory');
  });
  afterAll(() => server?.close());

  it('reads public routes, sends the bearer token and the idempotency key, and returns problems as errors', async () => {
    const product = await createStockedProduct(server, { units: 1, name: 'Client product' });
    const [buyer, other] = await createUsers(server, 2);
    const anonymous = createLimitedCartClient({ baseUrl: `${server.url}/` });
    const read = await anonymous.GET('/api/products/{id}', { params: { path: { id: product.id } } });
    expect(read.data?.product.name).toBe('Client product');
    expect(read.response.headers.get('x-server-time')).toMatch(/^\d+$/);

    const refused = await anonymous.POST('/api/orders', { body: { productId: product.id, quantity: 1 } });
    expect(refused.error?.code).toBe('UNAUTHENTICATED');
    expect(refused.response.status).toBe(401);

    let reads = 0;
    const shopper = createLimitedCartClient({
      baseUrl: server.url,
      token: () => {
        reads += 1;
        return buyer!.token;
      },
    });
    const key = `client-${product.id}`;
    const first = await shopper.POST('/api/orders', { params: { header: { 'idempotency-key': key } }, body: { productId: product.id, quantity: 1 } });
    const again = await shopper.POST('/api/orders', { params: { header: { 'idempotency-key': key } }, body: { productId: product.id, quantity: 1 } });
    expect(first.response.status).toBe(202);
    expect(again.data?.orderId).toBe(first.data?.orderId);
    expect(reads).toBe(2);

    const soldOut = await createLimitedCartClient({ baseUrl: server.url, token: other!.token }).POST('/api/orders', {
      params: { header: { 'idempotency-key': `other-${product.id}` } },
      body: { productId: product.id, quantity: 1 },
    });
    expect(soldOut.error?.code).toBe('OUT_OF_STOCK');
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const api = createLimitedCartClient({
      baseUrl: server.url,
      fetch: (request) => {
        seen.push(`${request.method} ${new URL(request.url).pathname}`);
        return fetch(request);
      },
    });
    const { data } = await api.GET('/api/time');
    expect(typeof data?.epochMs).toBe('number');
    expect(seen).toEqual(['GET /api/time']);
  });
});
