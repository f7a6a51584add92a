import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@limitedcart/core/testing';
import { openSse } from './sse.js';
import { client, createStockedProduct, createUsers, type Json, startTestServer, type TestServer, VALID_CARD } from './support.js';

const { DATABASE_URL } = process.env;
if (!DATABASE_URL) {
  if (process.env.CI) throw new Error('DATABASE_URL is required in CI for the replica suite');
  console.warn('replicas.test.ts skipped: DATABASE_URL is not set');
}

/** Two server processes on one database, as behind a load balancer: each sees every event. */
describe.skipIf(!DATABASE_URL)('two replicas behind one balancer', () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await startTestServer('postgres', {}, { keepSchema: true });
    b = await startTestServer('postgres', {
      DB_SCHEMA: a.config.DB_SCHEMA,
      JWT_KEY: a.config.JWT_KEY!,
      PAYMENT_WEBHOOK_SECRET: a.config.PAYMENT_WEBHOOK_SECRET!,
      ...(a.config.ADMISSION_TOKEN_KEY ? { ADMISSION_TOKEN_KEY: a.config.ADMISSION_TOKEN_KEY } : {}),
      // The price test orders on B until the new price arrives: that many orders of one shopper must not meet the unit cap.
      UNIT_CAP_PER_CUSTOMER: '0',
    });
  }, 90_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("streams an order's progress from replica B while it is placed and paid on replica A", async () => {
    const [shopper] = await createUsers(a, 1);
    const product = await createStockedProduct(a, { units: 3 });
    const stream = await openSse(`${b.url}/api/notifications/stream`, { authorization: `Bearer ${shopper!.token}` });
    expect(stream.status).toBe(200);

    const onA = client(a.url);
    const placed = await onA.post('/api/orders', { productId: product.id, quantity: 1 }, { token: shopper!.token });
    expect(placed.status).toBe(202);
    const initiated = await onA.post('/api/payments/initiate', { orderId: placed.body.orderId }, { token: shopper!.token });
    const token = String(initiated.body.paymentLink).split('/pay/')[1];
    expect((await onA.post('/api/payments/process', { token, card: VALID_CARD })).status).toBe(200);

    const statuses = () =>
      stream.events.filter((event) => event.event === 'order.progress').map((event) => JSON.parse(event.data).status as string);
    await waitFor(() => statuses().includes('CONFIRMED'), { timeoutMs: 30_000, message: 'replica B to stream CONFIRMED' });
    expect(statuses()).toEqual(['PAYMENT_PENDING', 'CONFIRMED']);
    stream.close();
  });

  it("keeps replica B's search index and prices current with catalogue changes made on replica A", async () => {
    const [admin] = await createUsers(a, 1, ['ADMIN'], 'admin');
    const [shopper] = await createUsers(a, 1);
    const onA = client(a.url);
    const onB = client(b.url);
    const created = await onA.post(
      '/api/products',
      { name: 'Quasar lantern', description: 'glows', price: { amount: 1_000, currency: 'USD' }, maxQuantityPerCustomer: 0 },
      { token: admin!.token },
    );
    expect(created.status).toBe(201);
    const productId = created.body.product.id as string;
    await waitFor(
      async () => (await onB.get('/api/products/search?q=quasr')).body.items.some((item: Json) => item.id === productId),
      { timeoutMs: 20_000, message: 'replica B to index the new product' },
    );
    await onA.post('/api/inventory/restock', { productId, quantity: 10 }, { token: admin!.token });

    const first = await onB.post('/api/orders', { productId, quantity: 1 }, { token: shopper!.token });
    expect(first.body.total).toEqual({ amount: 1_000, currency: 'USD' });
    expect((await onA.patch(`/api/products/${productId}`, { price: { amount: 1_500, currency: 'USD' } }, { token: admin!.token })).status).toBe(200);
    // B cached the old price on the first order; the product.changed event must replace it.
    await waitFor(
      async () => {
        const next = await onB.post('/api/orders', { productId, quantity: 1 }, { token: shopper!.token });
        return next.body.total?.amount === 1_500;
      },
      { timeoutMs: 20_000, intervalMs: 250, message: 'replica B to charge the new price' },
    );
  });
});
