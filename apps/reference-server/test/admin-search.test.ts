import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, createStockedProduct, createUsers, type Json, startTestServer, type TestServer } from './support.js';

/** Customer search by email in the admin's users and orders lists. */
describe('admin search by customer email', () => {
  let server: TestServer;
  let api: Client;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer('memory');
    api = client(server.url);
    admin = (await createUsers(server, 1, ['ADMIN'], 'search-admin'))[0]!.token;
  });
  afterAll(() => server?.close());

  it('users: part of an address in any case finds the accounts containing it', async () => {
    const [first, second] = await createUsers(server, 2, ['USER'], 'Findme');
    const found = await api.get(`/api/admin/users?email=${encodeURIComponent('FINDME-')}`, { token: admin });
    expect(found.status).toBe(200);
    expect(found.body.items.map((u: Json) => u.id).sort()).toEqual([first!.id, second!.id].sort());
    expect(found.body.total).toBe(2);
    const one = await api.get(`/api/admin/users?email=${encodeURIComponent(second!.email.toUpperCase())}`, { token: admin });
    expect(one.body.items.map((u: Json) => u.id)).toEqual([second!.id]);
    const blank = await api.get('/api/admin/users?email=%20&size=100', { token: admin });
    expect(blank.body.total).toBeGreaterThanOrEqual(3);
    expect((await api.get('/api/admin/users?email=a%00b', { token: admin })).status).toBe(400);
    expect((await api.get(`/api/admin/users?email=${'a'.repeat(255)}`, { token: admin })).status).toBe(400);
    expect((await api.get('/api/admin/users?email=findme', { token: first!.token })).status).toBe(403);
  });

  it("orders: only the matching accounts' orders; too broad a search is a 400 with a message", async () => {
    const product = await createStockedProduct(server, { units: 10, limit: 5 });
    const [buyer, other] = await createUsers(server, 2, ['USER'], 'orderer');
    for (const [user, key] of [
      [buyer!, 'b1'],
      [buyer!, 'b2'],
      [other!, 'o1'],
    ] as const) {
      const placed = await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: user.token, headers: { 'idempotency-key': `${key}-${product.id}` } });
      expect(placed.status).toBe(202);
    }
    const mine = await api.get(`/api/admin/orders?customerEmail=${encodeURIComponent(buyer!.email.toUpperCase())}`, { token: admin });
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(2);
    expect(new Set(mine.body.items.map((o: Json) => o.customerId))).toEqual(new Set([buyer!.id]));
    // Each order names its customer by email.
    expect(new Set(mine.body.items.map((o: Json) => o.customerEmail))).toEqual(new Set([buyer!.email]));
    const both = await api.get(`/api/admin/orders?customerEmail=orderer-&productId=${product.id}`, { token: admin });
    expect(both.body.total).toBe(3);
    const nobody = await api.get('/api/admin/orders?customerEmail=nobody-at-all', { token: admin });
    expect(nobody.body).toMatchObject({ items: [], total: 0 });

    await createUsers(server, 101, ['USER'], 'crowd');
    const broad = await api.get('/api/admin/orders?customerEmail=crowd-', { token: admin });
    expect(broad.status).toBe(400);
    expect(broad.body.code).toBe('VALIDATION');
    expect(broad.body.detail).toMatch(/more than 100 accounts match/);
  });
});
