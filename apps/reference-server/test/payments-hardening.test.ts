import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createStockedProduct, createUsers, type Json, startTestServer, type TestServer, type TestUser, VALID_CARD } from './support.js';

const { DATABASE_URL } = process.env;
if (!DATABASE_URL) {
  if (process.env.CI) throw new Error('DATABASE_URL is required in CI for the payment hardening suite');
  console.warn('payments-hardening.test.ts skipped: DATABASE_URL is not set');
}

const tokenOf = (paymentLink: string) => paymentLink.split('/pay/')[1]!;
const chargesOf = (servers: TestServer[], paymentId: string) => servers.reduce((sum, server) => sum + (server.gateway.charges().get(paymentId) ?? 0), 0);

/** Issue 18 findings 6 and 13, and the int4 stock counters: two replicas on one database, as behind a balancer. */
describe.skipIf(!DATABASE_URL)('payments and amounts', () => {
  let a: TestServer;
  let b: TestServer;
  let shopper: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    a = await startTestServer('postgres', {}, { keepSchema: true });
    b = await startTestServer('postgres', {
      DB_SCHEMA: a.config.DB_SCHEMA,
      JWT_KEY: a.config.JWT_KEY!,
      PAYMENT_WEBHOOK_SECRET: a.config.PAYMENT_WEBHOOK_SECRET!,
      ...(a.config.ADMISSION_TOKEN_KEY ? { ADMISSION_TOKEN_KEY: a.config.ADMISSION_TOKEN_KEY } : {}),
    });
    shopper = (await createUsers(a, 1))[0]!;
    admin = (await createUsers(a, 1, ['ADMIN'], 'admin'))[0]!;
  }, 90_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const placeOrder = async (productId: string, quantity = 1) => {
    const placed = await client(a.url).post('/api/orders', { productId, quantity }, { token: shopper.token });
    expect(placed.status).toBe(202);
    return placed.body.orderId as string;
  };

  it('gives an order one payment link, however many times and on whichever replica it is asked for', async () => {
    const product = await createStockedProduct(a, { units: 5 });
    const orderId = await placeOrder(product.id);
    const asks = await Promise.all(
      [a, b, a, b, a].map((server) => client(server.url).post('/api/payments/initiate', { orderId }, { token: shopper.token })),
    );
    expect(asks.map((ask) => ask.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(asks.map((ask) => ask.body.paymentId)).size).toBe(1);
    expect(new Set(asks.map((ask) => tokenOf(ask.body.paymentLink))).size).toBe(1);
    expect(await a.engine.ports.payments.listByOrder(orderId)).toHaveLength(1);
  });

  it('charges an order once when its link is paid many times at once on both replicas', async () => {
    const product = await createStockedProduct(a, { units: 5 });
    const orderId = await placeOrder(product.id);
    const initiated = await client(a.url).post('/api/payments/initiate', { orderId }, { token: shopper.token });
    const token = tokenOf(initiated.body.paymentLink);
    const attempts = await Promise.all(
      [a, b, a, b, a, b].map((server) => client(server.url).post('/api/payments/process', { token, card: VALID_CARD })),
    );
    expect(attempts.filter((attempt) => attempt.status === 200)).toHaveLength(1);
    for (const refused of attempts.filter((attempt) => attempt.status !== 200)) {
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('PAYMENT_NOT_PROCESSABLE');
    }
    await Promise.all([a.gateway.settle(), b.gateway.settle()]);
    expect(chargesOf([a, b], initiated.body.paymentId)).toBe(1);
    expect(a.gateway.refunds().size + b.gateway.refunds().size).toBe(0);
  });

  it('refuses another link of a captured order on the other replica before the gateway is called', async () => {
    const product = await createStockedProduct(a, { units: 5 });
    const orderId = await placeOrder(product.id);
    const initiated = await client(a.url).post('/api/payments/initiate', { orderId }, { token: shopper.token });
    expect((await client(a.url).post('/api/payments/process', { token: tokenOf(initiated.body.paymentLink), card: VALID_CARD })).status).toBe(200);

    // A second link of the order made before the capture was recorded (or kept from before one-link-per-order).
    const stale = await a.engine.ports.payments.create({
      id: `stale-${orderId}`,
      orderId,
      customerId: shopper.id,
      amount: { amount: 5_000, currency: 'USD' },
      token: `stale-token-${orderId}`.padEnd(43, 'x'),
    });
    const second = await client(b.url).post('/api/payments/process', { token: stale.token, card: VALID_CARD });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('PAYMENT_NOT_PROCESSABLE');
    expect(chargesOf([a, b], stale.id)).toBe(0);
    // Asking for the order's link now returns the captured payment, not a new one.
    const again = await client(b.url).post('/api/payments/initiate', { orderId }, { token: shopper.token });
    expect(again.status).toBe(200);
    expect(again.body.paymentId).toBe(initiated.body.paymentId);
  });

  it('refuses an order whose total would exceed the Money bound (quantity × price), holding nothing', async () => {
    const product = await createStockedProduct(a, { units: 10, limit: 0, price: 60_000_000 });
    const refused = await client(a.url).post('/api/orders', { productId: product.id, quantity: 2 }, { token: shopper.token });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('VALIDATION');
    expect(refused.body.detail).toMatch(/total would exceed 100000000 minor units; at most 1 units/);
    expect(await a.engine.ports.stockGate.snapshot(product.sku)).toMatchObject({ available: 10, held: 0 });
    const one = await client(a.url).post('/api/orders', { productId: product.id, quantity: 1 }, { token: shopper.token });
    expect(one.status).toBe(202);
    expect(one.body.total).toEqual({ amount: 60_000_000, currency: 'USD' });
  });

  it('refuses a price over the Money bound', async () => {
    const created = await client(a.url).post(
      '/api/products',
      { name: 'Too dear', price: { amount: 100_000_001, currency: 'USD' } },
      { token: admin.token },
    );
    expect(created.status).toBe(400);
    expect(created.body.code).toBe('VALIDATION');
  });

  it('counts stock past 2^31 units (64-bit counters)', async () => {
    const product = await createStockedProduct(a, { units: 1 });
    // More than int4 holds, in the largest steps the gate takes; then one more unit over HTTP.
    await a.engine.ports.stockGate.restock(product.sku, 2_000_000_000, `big-1-${product.id}`);
    await a.engine.ports.stockGate.restock(product.sku, 2_000_000_000, `big-2-${product.id}`);
    const restocked = await client(a.url).post('/api/inventory/restock', { productId: product.id, quantity: 1 }, { token: admin.token });
    expect(restocked.status).toBe(200);
    expect(restocked.body.stock).toMatchObject({ available: 4_000_000_002, restockedTotal: 4_000_000_002 });
    const line = (await client(b.url).get(`/api/inventory/stock?productId=${product.id}`, { token: admin.token })).body.items[0] as Json;
    expect(line).toMatchObject({ available: 4_000_000_002, restockedTotal: 4_000_000_002 });
  });
});
