import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, createStockedProduct, createUsers, type Json, startTestServer, type TestServer, type TestUser } from './support.js';

/** Issue 18 over HTTP on the durable composition: the role matrix, the last ADMIN, the audit log, safe limits. */
describe('administration over HTTP', () => {
  let server: TestServer;
  let api: Client;
  let admin: TestUser;
  let warehouse: TestUser;

  beforeAll(async () => {
    server = await startTestServer('postgres', { UNIT_CAP_PER_CUSTOMER: '5' });
    api = client(server.url);
    admin = (await createUsers(server, 1, ['ADMIN'], 'admin'))[0]!;
    warehouse = (await createUsers(server, 1, ['WAREHOUSE'], 'warehouse'))[0]!;
  }, 90_000);
  afterAll(async () => {
    await server?.close();
  });

  const audit = async (query: string) => (await api.get(`/api/admin/audit?${query}`, { token: admin.token })).body;

  it('lets WAREHOUSE restock and read stock but not create, reprice or archive products', async () => {
    const product = await createStockedProduct(server, { units: 2, price: 4_000 });
    const price = { amount: 0, currency: 'USD' };
    const refused = [
      await api.post('/api/products', { name: 'Warehouse special', price }, { token: warehouse.token }),
      await api.patch(`/api/products/${product.id}`, { price }, { token: warehouse.token }),
      await api.put(`/api/products/${product.id}`, { name: 'x', description: '', price, maxQuantityPerCustomer: 0, active: true }, { token: warehouse.token }),
      await api.delete(`/api/products/${product.id}`, { token: warehouse.token }),
    ];
    expect(refused.map((response) => [response.status, response.body.code])).toEqual(Array(4).fill([403, 'FORBIDDEN']));
    expect((await api.get(`/api/products/${product.id}`)).body.product.price).toEqual({ amount: 4_000, currency: 'USD' });

    const restocked = await api.post('/api/inventory/restock', { productId: product.id, quantity: 3 }, { token: warehouse.token });
    expect(restocked.status).toBe(200);
    expect(restocked.body.stock.available).toBe(5);
    expect((await api.get(`/api/inventory/stock?productId=${product.id}`, { token: warehouse.token })).status).toBe(200);
    expect((await api.get('/api/admin/audit', { token: warehouse.token })).status).toBe(403);
  });

  it('records who changed products, prices, stock and roles, readable by ADMIN newest first and by kind', async () => {
    const created = await api.post('/api/products', { name: 'Audited drop', price: { amount: 9_900, currency: 'USD' } }, { token: admin.token });
    const id = created.body.product.id;
    await api.patch(`/api/products/${id}`, { price: { amount: 100, currency: 'USD' } }, { token: admin.token });
    await api.post('/api/inventory/restock', { productId: id, quantity: 7 }, { token: warehouse.token, headers: { 'idempotency-key': `audit-${id}` } });
    // A retried restock (same key) adds stock once and is recorded once.
    await api.post('/api/inventory/restock', { productId: id, quantity: 7 }, { token: warehouse.token, headers: { 'idempotency-key': `audit-${id}` } });
    await api.delete(`/api/products/${id}`, { token: admin.token });
    const [clerk] = await createUsers(server, 1, ['USER'], 'clerk');
    await api.patch(`/api/admin/users/${clerk!.id}/roles`, { roles: ['USER', 'WAREHOUSE'] }, { token: admin.token });
    await api.post('/api/inventory/reconcile', undefined, { token: admin.token });

    const product = await audit(`subject=${id}`);
    expect(product.items.map((entry: Json) => [entry.kind, entry.actorId])).toEqual([
      ['product.archived', admin.id],
      ['stock.restocked', warehouse.id],
      ['product.updated', admin.id],
      ['product.created', admin.id],
    ]);
    expect(product.items[2].details).toEqual({ changes: { price: { from: { amount: 9_900, currency: 'USD' }, to: { amount: 100, currency: 'USD' } } } });
    expect(product.items[1].details).toMatchObject({ quantity: 7 });
    expect(Date.parse(product.items[0].at)).toBeGreaterThanOrEqual(Date.parse(product.items[3].at));

    const roles = await audit(`kind=customer.roles-changed&subject=${clerk!.id}`);
    expect(roles.items).toEqual([
      expect.objectContaining({ actorId: admin.id, details: { from: ['USER'], to: ['USER', 'WAREHOUSE'] } }),
    ]);
    const repairs = await audit('kind=stock.reconciled');
    expect(repairs.items[0]).toMatchObject({ actorId: admin.id, subject: '*', details: { mode: 'ledger', inSync: true } });

    const paged = await audit(`subject=${id}&size=3&page=1`);
    expect(paged).toMatchObject({ page: 1, size: 3, total: 4 });
    expect(paged.items.map((entry: Json) => entry.kind)).toEqual(['product.created']);
    expect((await api.get('/api/admin/audit?kind=everything', { token: admin.token })).status).toBe(400);
  });

  it('never removes the last ADMIN, also when two admins demote each other at the same moment', async () => {
    // Only the accounts of this test are admins from here on.
    const users = (await api.get('/api/admin/users?size=100', { token: admin.token })).body.items as Json[];
    const [first, second] = await createUsers(server, 2, ['ADMIN'], 'rival');
    for (const user of users.filter((user) => user.roles.includes('ADMIN'))) {
      expect((await api.patch(`/api/admin/users/${user.id}/roles`, { roles: ['USER'] }, { token: first!.token })).status).toBe(200);
    }
    const [one, two] = await Promise.all([
      api.patch(`/api/admin/users/${second!.id}/roles`, { roles: ['USER'] }, { token: first!.token }),
      api.patch(`/api/admin/users/${first!.id}/roles`, { roles: ['USER'] }, { token: second!.token }),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 409]);
    const refused = one.status === 409 ? one : two;
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('LAST_ADMIN');
    const survivor = one.status === 409 ? second! : first!;
    expect((await server.engine.ports.customers.countByRole()).ADMIN).toBe(1);
    const self = await api.patch(`/api/admin/users/${survivor.id}/roles`, { roles: ['WAREHOUSE'] }, { token: survivor.token });
    expect([self.status, self.body.code]).toEqual([409, 'LAST_ADMIN']);
    expect((await server.engine.ports.customers.get(survivor.id))?.roles).toEqual(['ADMIN']);
  });

  it('gives new products a per-customer limit of 2 and caps any customer at UNIT_CAP_PER_CUSTOMER units of a drop', async () => {
    const [boss] = await createUsers(server, 1, ['ADMIN'], 'boss');
    const created = await api.post('/api/products', { name: 'Default-limited drop', price: { amount: 500, currency: 'USD' } }, { token: boss!.token });
    expect(created.body.product.maxQuantityPerCustomer).toBe(2);
    await api.post('/api/inventory/restock', { productId: created.body.product.id, quantity: 50 }, { token: boss!.token });
    const [shopper] = await createUsers(server, 1);
    const order = (productId: string, quantity: number) => api.post('/api/orders', { productId, quantity }, { token: shopper!.token });
    expect((await order(created.body.product.id, 2)).status).toBe(202);
    expect((await order(created.body.product.id, 1)).body.code).toBe('LIMIT_EXCEEDED');

    // An explicit 0 still means no per-product limit; the cap (5 here) bounds every customer anyway, across orders.
    const open = await api.post('/api/products', { name: 'Unlimited drop', price: { amount: 500, currency: 'USD' }, maxQuantityPerCustomer: 0 }, { token: boss!.token });
    expect(open.body.product.maxQuantityPerCustomer).toBe(0);
    await api.post('/api/inventory/restock', { productId: open.body.product.id, quantity: 50 }, { token: boss!.token });
    expect((await order(open.body.product.id, 6)).body.code).toBe('LIMIT_EXCEEDED');
    expect((await order(open.body.product.id, 3)).status).toBe(202);
    expect((await order(open.body.product.id, 3)).body.code).toBe('LIMIT_EXCEEDED');
    expect((await order(open.body.product.id, 2)).status).toBe(202);
    const stock = await api.get(`/api/inventory/stock?productId=${open.body.product.id}`, { token: boss!.token });
    expect(stock.body.items[0]).toMatchObject({ available: 45, held: 5 });
  });
});
