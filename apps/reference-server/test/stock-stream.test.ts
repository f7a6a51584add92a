import { waitFor } from '@limitedcart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse } from './sse.js';
import { client, createStockedProduct, createUsers, type Json, startTestServer, type TestServer } from './support.js';

const stockEvents = (events: { event: string; data: string }[], productId: string): Json[] =>
  events.filter((e) => e.event === 'stock').map((e) => JSON.parse(e.data) as Json).filter((d) => d.productId === productId);

describe('GET /api/products/stock/stream', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('memory', { PAYMENT_WINDOW_SECONDS: '2', HOLD_SWEEP_INTERVAL_MS: '100' });
  });
  afterAll(() => server?.close());

  it('pushes a product\'s stock to every viewer as it changes: held, restocked, and back when a hold ends', async () => {
    const product = await createStockedProduct(server, { units: 1, name: 'Streamed' });
    const other = await createStockedProduct(server, { units: 3, name: 'Other' });
    const url = `${server.url}/api/products/stock/stream?productId=${product.id}&productId=${other.id}`;
    const viewers = await Promise.all(Array.from({ length: 5 }, () => openSse(url)));
    try {
      for (const viewer of viewers) expect(viewer.status).toBe(200);
      await waitFor(() => viewers.every((v) => stockEvents(v.events, product.id).length > 0), { message: 'first stock event' });
      expect(stockEvents(viewers[0]!.events, product.id)[0]).toEqual({ productId: product.id, available: 1, restockedTotal: 1 });
      expect(stockEvents(viewers[0]!.events, other.id)[0]).toMatchObject({ available: 3 });
      expect(viewers[0]!.events[0]!.event).toBe('ready');

      const [buyer] = await createUsers(server, 1);
      const placed = await client(server.url).post('/api/orders', { productId: product.id, quantity: 1 }, { token: buyer!.token, headers: { 'idempotency-key': `s-${product.id}` } });
      expect(placed.status).toBe(202);
      await waitFor(() => viewers.every((v) => stockEvents(v.events, product.id).at(-1)?.available === 0), { message: 'sold out pushed' });
      // The two-second hold ends unpaid: the unit comes back, without anyone asking.
      await waitFor(() => viewers.every((v) => stockEvents(v.events, product.id).at(-1)?.available === 1), {
        message: 'the unit back',
        timeoutMs: 15_000,
      });
      await server.engine.useCases.restock({ productId: product.id, quantity: 4, opId: `more-${product.id}` });
      await waitFor(() => stockEvents(viewers[2]!.events, product.id).at(-1)?.available === 5, { message: 'restock pushed' });
      expect(stockEvents(viewers[2]!.events, product.id).at(-1)).toEqual({ productId: product.id, available: 5, restockedTotal: 5 });
      // Only changes are sent: the other product, untouched, was sent once.
      expect(stockEvents(viewers[3]!.events, other.id)).toHaveLength(1);
    } finally {
      for (const viewer of viewers) viewer.close();
    }
  }, 30_000);

  it('caps the streams of one client address (429 TOO_MANY_STREAMS) and frees a slot when one closes; another address is not affected', async () => {
    const capped = await startTestServer('memory', { STOCK_STREAMS_PER_ADDRESS: '2', TRUST_PROXY: '1' });
    const viewers: Awaited<ReturnType<typeof openSse>>[] = [];
    try {
      const product = await createStockedProduct(capped, { units: 1, name: 'Capped' });
      const url = `${capped.url}/api/products/stock/stream?productId=${product.id}`;
      const from = (address: string) => ({ 'x-forwarded-for': address });
      viewers.push(await openSse(url, from('203.0.113.7')), await openSse(url, from('203.0.113.7')));
      expect(viewers.map((viewer) => viewer.status)).toEqual([200, 200]);
      const third = await client(capped.url).get(`/api/products/stock/stream?productId=${product.id}`, { headers: from('203.0.113.7') });
      expect([third.status, third.body.code]).toEqual([429, 'TOO_MANY_STREAMS']);
      expect(third.headers.get('content-type')).toMatch(/application\/problem\+json/);
      // Another shopper's address still gets a stream.
      viewers.push(await openSse(url, from('198.51.100.4')));
      expect(viewers[2]!.status).toBe(200);
      // Closing one frees its slot for the same address.
      viewers[0]!.close();
      await waitFor(
        async () => {
          const again = await openSse(url, from('203.0.113.7'));
          if (again.status === 200) viewers.push(again);
          else again.close();
          return again.status === 200;
        },
        { message: 'the closed stream to free its slot', timeoutMs: 10_000 },
      );
    } finally {
      for (const viewer of viewers) viewer.close();
      await capped.close();
    }
  }, 30_000);

  it('refuses bad product lists with 400, never a 5xx', async () => {
    const api = client(server.url);
    for (const query of ['', '?productId=', `?${Array.from({ length: 101 }, (_, i) => `productId=p${i}`).join('&')}`, '?productId=a%00b', `?productId=${'x'.repeat(201)}`]) {
      const answer = await api.get(`/api/products/stock/stream${query}`);
      expect(answer.status, query.slice(0, 40)).toBe(400);
      expect(answer.body.code).toBe('VALIDATION');
    }
  });
});
