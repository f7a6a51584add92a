import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createStockedProduct, createUsers, startTestServer, type TestServer, type TestUser, VALID_CARD } from './support.js';

/** What Postgres says about a refused value (its encoding, types, tables and constraints): never for the caller. */
const DATABASE_TEXT = /UTF8|0x00|byte sequence|integer out of range|violates|constraint|duplicate key|relation "|column "|syntax for type/i;

/**
 * Issue 18 finding 12: NUL bytes reached Postgres on a dozen routes and its error text came back in the 400 body.
 * Every string a caller sends is now refused with control characters at validation, with a generic message.
 */
describe('control characters and database text', () => {
  let server: TestServer;
  let shopper: TestUser;
  let admin: TestUser;
  let productId: string;

  beforeAll(async () => {
    server = await startTestServer('postgres');
    shopper = (await createUsers(server, 1))[0]!;
    admin = (await createUsers(server, 1, ['ADMIN'], 'admin'))[0]!;
    productId = (await createStockedProduct(server, { units: 3 })).id;
  }, 90_000);
  afterAll(async () => {
    await server?.close();
  });

  const NUL = '\u0000';
  const nulInPath = encodeURIComponent(`x${NUL}y`);

  const attempts = (): [string, string, string, { token?: string; body?: unknown }][] => [
    ['login email', 'POST', '/api/auth/login', { body: { email: `a${NUL}@example.com`, password: 'whatever-pw' } }],
    ['register email', 'POST', '/api/auth/register', { body: { email: `a${NUL}@example.com`, password: 'long-enough-pw' } }],
    ['product id', 'GET', `/api/products/${nulInPath}`, {}],
    ['search query', 'GET', `/api/products/search?q=${nulInPath}`, {}],
    ['product name', 'POST', '/api/products', { token: admin.token, body: { name: `a${NUL}b`, price: { amount: 100, currency: 'USD' } } }],
    ['product description', 'PATCH', `/api/products/${productId}`, { token: admin.token, body: { description: `a${NUL}b` } }],
    ['order product', 'POST', '/api/orders', { token: shopper.token, body: { productId: `p${NUL}`, quantity: 1 } }],
    ['order id', 'GET', `/api/orders/${nulInPath}`, { token: shopper.token }],
    ['order list filter', 'GET', `/api/orders?productId=${nulInPath}`, { token: shopper.token }],
    ['cancel', 'POST', `/api/orders/${nulInPath}/cancel`, { token: shopper.token }],
    ['initiate', 'POST', '/api/payments/initiate', { token: shopper.token, body: { orderId: `o${NUL}` } }],
    ['payment id', 'GET', `/api/payments/${nulInPath}`, { token: shopper.token }],
    ['payment link', 'GET', `/api/payments/link/${encodeURIComponent(`${'t'.repeat(20)}${NUL}`)}`, {}],
    ['process token', 'POST', '/api/payments/process', { body: { token: `${'t'.repeat(20)}${NUL}`, card: VALID_CARD } }],
    ['card holder', 'POST', '/api/payments/process', { body: { token: 't'.repeat(43), card: { ...VALID_CARD, holder: `A${NUL}` } } }],
    ['restock product', 'POST', '/api/inventory/restock', { token: admin.token, body: { productId: `p${NUL}`, quantity: 1 } }],
    ['stock filter', 'GET', `/api/inventory/stock?productId=${nulInPath}`, { token: admin.token }],
    ['user id', 'PATCH', `/api/admin/users/${nulInPath}/roles`, { token: admin.token, body: { roles: ['USER'] } }],
    ['admin order filter', 'GET', `/api/admin/orders?customerId=${nulInPath}`, { token: admin.token }],
  ];

  it('refuses a NUL byte in every caller-written string with 400 VALIDATION and no database text', async () => {
    const api = client(server.url);
    const failures: string[] = [];
    for (const [what, method, path, options] of attempts()) {
      const response = await api.call(method, path, options);
      const text = JSON.stringify(response.body);
      if (response.status !== 400 || response.body?.code !== 'VALIDATION' || DATABASE_TEXT.test(text)) {
        failures.push(`${what}: ${response.status} ${text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('says which field, generically', async () => {
    const response = await client(server.url).post('/api/orders', { productId: `p${NUL}`, quantity: 1 }, { token: shopper.token });
    expect(response.body.errors).toEqual([expect.objectContaining({ in: 'json', field: 'productId', message: 'must not be blank or contain control characters' })]);
  });

  it('refuses other control characters too, but keeps line breaks in a description', async () => {
    const api = client(server.url);
    const bell = await api.post('/api/products', { name: 'bell\u0007', price: { amount: 100, currency: 'USD' } }, { token: admin.token });
    expect(bell.status).toBe(400);
    const lines = await api.post(
      '/api/products',
      { name: 'Two lines', description: 'first line\nsecond line\twith a tab', price: { amount: 100, currency: 'USD' } },
      { token: admin.token },
    );
    expect(lines.status).toBe(201);
    expect(lines.body.product.description).toBe('first line\nsecond line\twith a tab');
  });
});
