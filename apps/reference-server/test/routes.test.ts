import { waitFor } from '@limitedcart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  client,
  createStockedProduct,
  createUsers,
  DECLINED_CARD,
  type Json,
  startTestServer,
  type TestServer,
  type TestUser,
  VALID_CARD,
} from './support.js';

/** Route behaviour on the in-memory engine (fast); the durable composition is covered by the other suites. */
describe('routes', () => {
  let server: TestServer;
  let api: Client;
  let admin: TestUser;
  let warehouse: TestUser;

  beforeAll(async () => {
    server = await startTestServer('memory');
    api = client(server.url);
    admin = (await createUsers(server, 1, ['ADMIN'], 'admin'))[0]!;
    warehouse = (await createUsers(server, 1, ['WAREHOUSE'], 'warehouse'))[0]!;
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('auth', () => {
    it('registers, refuses a second account for the same email in any case, logs in and says who is calling', async () => {
      const registered = await api.post('/api/auth/register', { email: 'Mixed.Case@Example.com', password: 'a-good-password' });
      expect(registered.status).toBe(201);
      expect(registered.body.user).toMatchObject({ email: 'mixed.case@example.com', roles: ['USER'] });
      const taken = await api.post('/api/auth/register', { email: 'MIXED.case@example.COM', password: 'another-password' });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('EMAIL_TAKEN');

      const wrong = await api.post('/api/auth/login', { email: 'mixed.case@example.com', password: 'not-the-password' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
      const unknown = await api.post('/api/auth/login', { email: 'nobody@example.com', password: 'a-good-password' });
      expect(unknown.body.code).toBe('INVALID_CREDENTIALS');

      const login = await api.post('/api/auth/login', { email: 'MIXED.CASE@example.com', password: 'a-good-password' });
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 300, user: { email: 'mixed.case@example.com' } });
      const me = await api.get('/api/auth/me', { token: login.body.accessToken });
      expect(me.body.user.id).toBe(registered.body.user.id);
    });

    it('validates registration input', async () => {
      const response = await api.post('/api/auth/register', { email: 'not-an-email', password: 'short' });
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: Json) => error.field).sort()).toEqual(['email', 'password']);
    });
  });

  describe('catalogue', () => {
    it('creates, reads, updates, searches and archives products', async () => {
      const created = await api.post(
        '/api/products',
        { name: 'Aurora parka', description: 'Insulated winter jacket', price: { amount: 24_900, currency: 'USD' }, maxQuantityPerCustomer: 2 },
        { token: admin.token },
      );
      expect(created.status).toBe(201);
      const product = created.body.product;
      expect(product).toMatchObject({ name: 'Aurora parka', active: true, archived: false, saleStartsAt: null });

      expect((await api.get(`/api/products/${product.id}`)).body.product.name).toBe('Aurora parka');
      const search = await api.get('/api/products/search?q=aurra%20parka');
      expect(search.body.items.map((item: Json) => item.id)).toContain(product.id);
      expect((await api.get('/api/products/search?q=%22%2B-~%5E%3A*')).status).toBe(200);

      const patched = await api.patch(`/api/products/${product.id}`, { price: { amount: 19_900, currency: 'USD' } }, { token: admin.token });
      expect(patched.body.product).toMatchObject({ name: 'Aurora parka', price: { amount: 19_900 } });
      const replaced = await api.put(
        `/api/products/${product.id}`,
        { name: 'Aurora parka II', description: '', price: { amount: 1_000, currency: 'USD' }, maxQuantityPerCustomer: 0, active: false },
        { token: admin.token },
      );
      expect(replaced.body.product).toMatchObject({ name: 'Aurora parka II', active: false, maxQuantityPerCustomer: 0 });
      // Inactive: hidden from shoppers and search, visible to staff.
      expect((await api.get(`/api/products/${product.id}`)).status).toBe(404);
      expect((await api.get(`/api/products/${product.id}`, { token: warehouse.token })).status).toBe(200);
      const publicList = await api.get('/api/products?size=100');
      expect(publicList.body.items.map((item: Json) => item.id)).not.toContain(product.id);
      const staffList = await api.get('/api/products?size=100&includeInactive=true', { token: warehouse.token });
      expect(staffList.body.items.map((item: Json) => item.id)).toContain(product.id);
      const shopperAsking = await api.get('/api/products?size=100&includeInactive=true');
      expect(shopperAsking.body.items.map((item: Json) => item.id)).not.toContain(product.id);
      expect((await api.get('/api/products/search?q=aurora')).body.items).toEqual([]);

      const archived = await api.delete(`/api/products/${product.id}`, { token: admin.token });
      expect(archived.body.product.archived).toBe(true);
    });

    it('shows shoppers the live stock of a product', async () => {
      const product = await createStockedProduct(server, { units: 4, limit: 0 });
      expect((await api.get(`/api/products/${product.id}`)).body.product.stock).toEqual({ available: 4, restockedTotal: 4 });
      const [buyer] = await createUsers(server, 1);
      expect((await api.post('/api/orders', { productId: product.id, quantity: 3 }, { token: buyer!.token })).status).toBe(202);
      const listed = (await api.get('/api/products?size=100')).body.items.find((item: Json) => item.id === product.id);
      expect(listed.stock).toEqual({ available: 1, restockedTotal: 4 });
    });

    it('pages lists', async () => {
      for (let i = 0; i < 5; i++) await createStockedProduct(server, { units: 1, name: `Paged ${i}` });
      const first = await api.get('/api/products?page=0&size=2');
      const second = await api.get('/api/products?page=1&size=2');
      expect(first.body).toMatchObject({ page: 0, size: 2 });
      expect(first.body.items).toHaveLength(2);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
      expect(first.body.total).toBeGreaterThanOrEqual(5);
      expect((await api.get('/api/products?size=1000')).status).toBe(400);
    });
  });

  describe('orders and payments', () => {
    let product: Awaited<ReturnType<typeof createStockedProduct>>;
    let shopper: TestUser;
    beforeAll(async () => {
      product = await createStockedProduct(server, { units: 5, limit: 2, price: 1_250 });
      shopper = (await createUsers(server, 1))[0]!;
    });

    const payLink = async (token: string, orderId: string) => {
      const initiated = await api.post('/api/payments/initiate', { orderId }, { token });
      expect(initiated.status).toBe(201);
      expect(initiated.body.paymentLink).toMatch(new RegExp(`^${server.url}/pay/[A-Za-z0-9_-]{43}$`));
      return { paymentId: initiated.body.paymentId as string, token: String(initiated.body.paymentLink).split('/pay/')[1]! };
    };

    it('places an order, pays it and confirms it; a confirmed order is not cancellable', async () => {
      const placed = await api.post('/api/orders', { productId: product.id, quantity: 2 }, { token: shopper.token });
      expect(placed.status).toBe(202);
      expect(placed.body.total).toEqual({ amount: 2_500, currency: 'USD' });
      const limit = await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: shopper.token });
      expect(limit.body.code).toBe('LIMIT_EXCEEDED');

      const link = await payLink(shopper.token, placed.body.orderId);
      const view = await api.get(`/api/payments/link/${link.token}`);
      expect(view.body).toMatchObject({ orderId: placed.body.orderId, amount: { amount: 2_500 }, status: 'INITIATED' });
      const paid = await api.post('/api/payments/process', { token: link.token, card: VALID_CARD });
      expect(paid.body).toMatchObject({ paymentId: link.paymentId, outcome: 'succeeded' });
      await waitFor(async () => (await api.get(`/api/orders/${placed.body.orderId}`, { token: shopper.token })).body.order.status === 'CONFIRMED');
      const again = await api.post('/api/payments/process', { token: link.token, card: VALID_CARD });
      expect(again.status).toBe(409);
      const cancel = await api.post(`/api/orders/${placed.body.orderId}/cancel`, undefined, { token: shopper.token });
      expect(cancel.status).toBe(409);
      expect(cancel.body).toMatchObject({ code: 'NOT_CANCELLABLE', orderStatus: 'CONFIRMED' });
      const mine = await api.get('/api/orders', { token: shopper.token });
      expect(mine.body.items.map((order: Json) => order.id)).toContain(placed.body.orderId);
    });

    it('keeps the order payable after a gateway error (502) and a declined card (402)', async () => {
      const [buyer] = await createUsers(server, 1);
      const placed = await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: buyer!.token });
      const link = await payLink(buyer!.token, placed.body.orderId);
      const flaky = await api.post('/api/payments/process', { token: link.token, card: { ...VALID_CARD, number: '4000000000000119' } });
      expect(flaky.status).toBe(502);
      expect(flaky.body.code).toBe('PAYMENT_GATEWAY_ERROR');
      const declined = await api.post('/api/payments/process', { token: link.token, card: DECLINED_CARD });
      expect(declined.status).toBe(402);
      expect(declined.body.code).toBe('PAYMENT_DECLINED');
      expect(declined.body).toMatchObject({ paymentId: link.paymentId, retryable: true });
      expect((await api.get(`/api/orders/${placed.body.orderId}`, { token: buyer!.token })).body.order.status).toBe('PAYMENT_PENDING');
      expect((await api.get(`/api/payments/${link.paymentId}`, { token: buyer!.token })).body.payment.status).toBe('DECLINED');
    });

    it('cancels an open order and releases its stock; ADMIN may cancel any order', async () => {
      const [buyer] = await createUsers(server, 1);
      const before = (await server.engine.ports.stockGate.snapshot(product.sku))!;
      const placed = await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: buyer!.token });
      const cancelled = await api.post(`/api/orders/${placed.body.orderId}/cancel`, undefined, { token: admin.token });
      expect(cancelled.status).toBe(200);
      await waitFor(async () => (await server.engine.ports.orders.get(placed.body.orderId))?.status === 'CANCELLED');
      await waitFor(async () => (await server.engine.ports.stockGate.snapshot(product.sku))!.available === before.available);
    });

    it('refuses products that are not on sale yet with 409 NOT_ON_SALE and unknown products with 404', async () => {
      const [buyer] = await createUsers(server, 1);
      const future = await server.engine.useCases.createProduct({
        name: 'Tomorrow',
        price: { amount: 100, currency: 'USD' },
        saleStartsAt: new Date(Date.now() + 3_600_000),
      });
      await server.engine.useCases.restock({ productId: future.id, quantity: 1, opId: 'future' });
      const early = await api.post('/api/orders', { productId: future.id, quantity: 1 }, { token: buyer!.token });
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('NOT_ON_SALE');
      const unknown = await api.post('/api/orders', { productId: 'no-such-product', quantity: 1 }, { token: buyer!.token });
      expect(unknown.status).toBe(404);
    });
  });

  describe('inventory and admin', () => {
    it('summarises stock, reconciles the ledger and reports business metrics', async () => {
      const product = await createStockedProduct(server, { units: 9 });
      const stock = await api.get(`/api/inventory/stock?productId=${product.id}`, { token: warehouse.token });
      expect(stock.body.items).toEqual([expect.objectContaining({ productId: product.id, available: 9, held: 0, sold: 0, restockedTotal: 9 })]);
      const summary = await api.get('/api/inventory/summary', { token: warehouse.token });
      expect(summary.body.totals.restockedTotal).toBe(
        summary.body.items.reduce((sum: number, line: Json) => sum + line.restockedTotal, 0),
      );
      const report = await api.get('/api/inventory/reconcile', { token: admin.token });
      expect(report.body).toMatchObject({ mode: 'ledger', inSync: true });
      expect(report.body.skus.find((line: Json) => line.sku === product.sku)).toMatchObject({ inSync: true });

      const metrics = await api.get('/api/admin/metrics', { token: admin.token });
      expect(metrics.body.ordersByStatus).toHaveProperty('CONFIRMED');
      expect(metrics.body.usersByRole.ADMIN).toBeGreaterThanOrEqual(1);
      expect(metrics.body.confirmedRevenue.currency).toBe('USD');
      const orders = await api.get('/api/admin/orders?status=CONFIRMED', { token: admin.token });
      expect(orders.body.items.every((order: Json) => order.status === 'CONFIRMED')).toBe(true);
    });

    it('lists users and changes roles', async () => {
      const [user] = await createUsers(server, 1);
      const users = await api.get('/api/admin/users?size=100', { token: admin.token });
      expect(users.body.items.map((item: Json) => item.id)).toContain(user!.id);
      expect(users.body.items.every((item: Json) => !('passwordHash' in item))).toBe(true);
      const changed = await api.patch(`/api/admin/users/${user!.id}/roles`, { roles: ['USER', 'WAREHOUSE'] }, { token: admin.token });
      expect(changed.body.user.roles).toEqual(['USER', 'WAREHOUSE']);
    });
  });
});

describe('bootstrap administrator', () => {
  it('creates the ADMIN_EMAIL account with the ADMIN role at start', async () => {
    const server = await startTestServer('memory', { ADMIN_EMAIL: 'Root@Example.com', ADMIN_PASSWORD: 'bootstrap-password' });
    try {
      const login = await client(server.url).post('/api/auth/login', { email: 'root@example.com', password: 'bootstrap-password' });
      expect(login.status).toBe(200);
      expect(login.body.user.roles).toEqual(['ADMIN']);
      expect((await client(server.url).get('/api/admin/users', { token: login.body.accessToken })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
