import { randomBytes } from 'node:crypto';
import type { Product, Role } from '@limitedcart/core';
import { signWebhook } from '@limitedcart/plugin-payment-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgeToken, nowSeconds } from './jwt.js';
import { type Client, client, createStockedProduct, createUsers, type Json, startTestServer, type TestServer, type TestUser, VALID_CARD } from './support.js';

const JWT_KEY = randomBytes(32).toString('hex');
const WEBHOOK_SECRET = randomBytes(24).toString('hex');
const UNKNOWN_ID = '11111111-2222-4333-8444-555555555555';

type Identity = 'anonymous' | Role;
const IDENTITIES: Identity[] = ['anonymous', 'USER', 'WAREHOUSE', 'ADMIN'];

interface RouteCase {
  readonly method: string;
  readonly path: string;
  /** 'public', 'any' signed-in user, or the roles allowed. */
  readonly access: 'public' | 'any' | readonly Role[];
  readonly body?: unknown;
  /** The call ends the caller's session (logout): it gets a session of its own instead of the shared one. */
  readonly ownSession?: boolean;
}

describe('security over HTTP', () => {
  let server: TestServer;
  let api: Client;
  const users = {} as Record<Role, TestUser>;
  let otherShopper: TestUser;
  const one = async (role: Role, prefix: string) => (await createUsers(server, 1, [role], prefix))[0]!;
  let product: Product;

  beforeAll(async () => {
    server = await startTestServer('postgres', { JWT_KEY, PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET, ADMISSION_TOKEN_KEY: randomBytes(32).toString('hex'), BODY_LIMIT_BYTES: '4096' });
    api = client(server.url);
    for (const role of ['USER', 'WAREHOUSE', 'ADMIN'] as const) users[role] = await one(role, role.toLowerCase());
    otherShopper = await one('USER', 'other');
    product = await createStockedProduct(server, { units: 10, limit: 2 });
  }, 90_000);

  afterAll(async () => {
    await server?.close();
  });

  describe('role matrix', () => {
    const routes = (): RouteCase[] => [
      { method: 'POST', path: '/api/auth/register', access: 'public', body: { email: `m-${randomBytes(4).toString('hex')}@example.com`, password: 'long-enough-pw' } },
      { method: 'POST', path: '/api/auth/login', access: 'public', body: { email: 'nobody@example.com', password: 'whatever-pw' } },
      { method: 'GET', path: '/api/auth/me', access: 'any' },
      { method: 'POST', path: '/api/auth/refresh', access: 'public' },
      { method: 'POST', path: '/api/auth/logout', access: 'any', ownSession: true },
      { method: 'GET', path: '/api/products', access: 'public' },
      { method: 'GET', path: '/api/time', access: 'public' },
      { method: 'GET', path: `/api/products/${product.id}`, access: 'public' },
      { method: 'GET', path: '/api/products/search?q=test', access: 'public' },
      { method: 'POST', path: '/api/products', access: ['ADMIN'], body: { name: 'Matrix product', price: { amount: 100, currency: 'USD' } } },
      { method: 'PUT', path: `/api/products/${UNKNOWN_ID}`, access: ['ADMIN'], body: { name: 'x', description: '', price: { amount: 1, currency: 'USD' }, maxQuantityPerCustomer: 0, active: true } },
      { method: 'PATCH', path: `/api/products/${UNKNOWN_ID}`, access: ['ADMIN'], body: { name: 'y' } },
      { method: 'DELETE', path: `/api/products/${UNKNOWN_ID}`, access: ['ADMIN'] },
      { method: 'POST', path: '/api/inventory/restock', access: ['ADMIN', 'WAREHOUSE'], body: { productId: UNKNOWN_ID, quantity: 1 } },
      { method: 'GET', path: '/api/inventory/stock', access: ['ADMIN', 'WAREHOUSE'] },
      { method: 'GET', path: '/api/inventory/summary', access: ['ADMIN', 'WAREHOUSE'] },
      { method: 'GET', path: '/api/inventory/reconcile', access: ['ADMIN'] },
      { method: 'POST', path: '/api/inventory/reconcile', access: ['ADMIN'] },
      { method: 'POST', path: '/api/orders', access: ['USER'], body: { productId: UNKNOWN_ID, quantity: 1 } },
      { method: 'GET', path: '/api/orders', access: 'any' },
      { method: 'GET', path: `/api/orders/${UNKNOWN_ID}`, access: 'any' },
      { method: 'POST', path: `/api/orders/${UNKNOWN_ID}/cancel`, access: 'any' },
      { method: 'POST', path: '/api/payments/initiate', access: 'any', body: { orderId: UNKNOWN_ID } },
      { method: 'GET', path: `/api/payments/${UNKNOWN_ID}`, access: 'any' },
      { method: 'GET', path: `/api/payments/link/${'x'.repeat(43)}`, access: 'public' },
      { method: 'POST', path: '/api/payments/process', access: 'public', body: { token: 'x'.repeat(43), card: VALID_CARD } },
      { method: 'GET', path: '/api/admin/users', access: ['ADMIN'] },
      { method: 'PATCH', path: `/api/admin/users/${UNKNOWN_ID}/roles`, access: ['ADMIN'], body: { roles: ['USER'] } },
      { method: 'PATCH', path: `/api/admin/users/${UNKNOWN_ID}`, access: ['ADMIN'], body: { disabled: true } },
      { method: 'GET', path: '/api/admin/metrics', access: ['ADMIN'] },
      { method: 'GET', path: '/api/admin/orders', access: ['ADMIN'] },
      { method: 'GET', path: '/api/admin/audit', access: ['ADMIN'] },
      { method: 'GET', path: `/api/drops/${UNKNOWN_ID}/queue`, access: 'public' },
      { method: 'POST', path: `/api/drops/${UNKNOWN_ID}/queue`, access: ['USER'], body: {} },
      { method: 'GET', path: `/api/drops/${UNKNOWN_ID}/queue/challenge`, access: 'any' },
      { method: 'GET', path: `/api/drops/${UNKNOWN_ID}/queue/me`, access: 'any' },
      { method: 'DELETE', path: `/api/drops/${UNKNOWN_ID}/queue/me`, access: 'any' },
      { method: 'PUT', path: `/api/admin/drops/${UNKNOWN_ID}/queue`, access: ['ADMIN'], body: { opensAt: '2031-01-01T00:00:00Z', mode: 'fifo' } },
      { method: 'GET', path: `/api/admin/drops/${UNKNOWN_ID}/queue`, access: ['ADMIN'] },
      { method: 'GET', path: '/healthz', access: 'public' },
      { method: 'GET', path: '/readyz', access: 'public' },
      { method: 'GET', path: '/metrics', access: ['ADMIN'] },
      { method: 'GET', path: '/api/openapi.json', access: 'public' },
      { method: 'GET', path: '/api/docs', access: 'public' },
    ];

    it('answers 401 without a token, 403 for a wrong role, and lets the allowed roles through', async () => {
      const failures: string[] = [];
      for (const route of routes()) {
        for (const identity of IDENTITIES) {
          const token =
            identity === 'anonymous'
              ? undefined
              : route.ownSession
                ? (await server.auth.sessions.open((await server.engine.ports.customers.get(users[identity].id))!)).accessToken
                : users[identity].token;
          const response = await api.call(route.method, route.path, { ...(token ? { token } : {}), body: route.body });
          const expected =
            route.access === 'public'
              ? 'through'
              : identity === 'anonymous'
                ? 401
                : route.access === 'any' || route.access.includes(identity)
                  ? 'through'
                  : 403;
          // "Through" means past authentication and authorisation: the route may still answer 4xx on its own
          // terms (404 for the unknown ids used here, 401 INVALID_CREDENTIALS for a wrong login).
          const code = typeof response.body === 'object' && response.body !== null ? response.body.code : undefined;
          const ok =
            expected === 'through'
              ? code !== 'UNAUTHENTICATED' && code !== 'FORBIDDEN' && response.status < 500
              : response.status === expected;
          if (!ok) failures.push(`${route.method} ${route.path} as ${identity}: ${response.status} (expected ${expected})`);
          if (typeof expected === 'number' && response.status === expected) {
            expect(response.headers.get('content-type')).toContain('application/problem+json');
            expect(response.body.code).toBe(expected === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
          }
        }
      }
      expect(failures).toEqual([]);
    });

    it('covers every documented operation', async () => {
      const document = (await api.get('/api/openapi.json')).body;
      const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const normalise = (path: string) =>
        path
          .split('?')[0]!
          .replace(`/drops/${UNKNOWN_ID}/`, '/drops/{productId}/')
          .replace(UNKNOWN_ID, '{id}')
          .replace(product.id, '{id}')
          .replace('x'.repeat(43), '{token}');
      const covered = new Set(routes().map((route) => `${route.method} ${normalise(route.path)}`));
      covered.add('GET /api/notifications/stream'); // checked below: a stream never ends by itself
      covered.add('GET /api/products/stock/stream'); // public, never ends: test/stock-stream.test.ts
      covered.add('POST /api/payments/webhook'); // signature-protected, checked below
      expect(documented.filter((operation) => !covered.has(operation))).toEqual([]);
    });

    it('protects the notification stream', async () => {
      expect((await api.get('/api/notifications/stream')).status).toBe(401);
      const controller = new AbortController();
      const response = await fetch(`${server.url}/api/notifications/stream`, {
        headers: { authorization: `Bearer ${users.USER.token}` },
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      controller.abort();
    });
  });

  describe('object-level authorisation', () => {
    it("hides other users' orders and payments (404), shows them to ADMIN", async () => {
      const owner = users.USER;
      const placed = await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: owner.token });
      expect(placed.status).toBe(202);
      const orderId = placed.body.orderId as string;
      const initiated = await api.post('/api/payments/initiate', { orderId }, { token: owner.token });
      expect(initiated.status).toBe(201);
      const paymentId = initiated.body.paymentId as string;

      const intruder = otherShopper.token;
      for (const response of [
        await api.get(`/api/orders/${orderId}`, { token: intruder }),
        await api.post(`/api/orders/${orderId}/cancel`, undefined, { token: intruder }),
        await api.post('/api/payments/initiate', { orderId }, { token: intruder }),
        await api.get(`/api/payments/${paymentId}`, { token: intruder }),
        // Staff without ADMIN see no one's orders either.
        await api.get(`/api/orders/${orderId}`, { token: users.WAREHOUSE.token }),
      ]) {
        expect(response.status).toBe(404);
        expect(response.body.code).toBe('NOT_FOUND');
      }
      const intruderList = await api.get('/api/orders', { token: intruder });
      expect(intruderList.body.items.map((order: Json) => order.id)).not.toContain(orderId);
      expect((await api.get(`/api/orders/${orderId}`, { token: owner.token })).body.order.status).toMatch(/PENDING/);
      expect((await api.get(`/api/orders/${orderId}`, { token: users.ADMIN.token })).status).toBe(200);
      expect((await api.get(`/api/payments/${paymentId}`, { token: users.ADMIN.token })).status).toBe(200);
      // The intruder's cancel did nothing.
      expect((await server.engine.ports.orders.get(orderId))?.status).not.toBe('CANCELLED');
    });
  });

  describe('access tokens', () => {
    const claims = () => ({
      sub: users.ADMIN.id,
      email: users.ADMIN.email,
      roles: ['ADMIN'],
      sid: users.ADMIN.sessionId,
      ver: 1,
      iss: 'limitedcart',
      aud: 'limitedcart-api',
      iat: nowSeconds(),
      exp: nowSeconds() + 600,
    });
    const hs256 = { key: JWT_KEY, algorithm: 'sha256' as const };

    it('accepts a well-formed token (control)', async () => {
      const token = forgeToken({ alg: 'HS256', typ: 'JWT' }, claims(), hs256);
      expect((await api.get('/api/auth/me', { token })).status).toBe(200);
    });

    const hostile: [string, () => string][] = [
      ['alg none', () => forgeToken({ alg: 'none', typ: 'JWT' }, claims(), 'none')],
      ['alg none with a signature', () => `${forgeToken({ alg: 'none', typ: 'JWT' }, claims(), 'none')}c2lnbmF0dXJl`],
      ['another HMAC algorithm (HS512)', () => forgeToken({ alg: 'HS512', typ: 'JWT' }, claims(), { key: JWT_KEY, algorithm: 'sha512' })],
      ['missing exp', () => forgeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims(), exp: undefined }, hs256)],
      // Correctly signed, but naming no session: nothing could ever revoke it.
      ['no session', () => forgeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims(), sid: undefined, ver: undefined }, hs256)],
      ['a session that does not exist', () => forgeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims(), sid: UNKNOWN_ID }, hs256)],
      ['an outdated account version', () => forgeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims(), ver: 0 }, hs256)],
      ['expired', () => forgeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims(), iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }, hs256)],
      ['wrong issuer', () => forgeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims(), iss: 'someone-else' }, hs256)],
      ['wrong key', () => forgeToken({ alg: 'HS256', typ: 'JWT' }, claims(), { key: randomBytes(32).toString('hex'), algorithm: 'sha256' })],
      ['tampered claims', () => {
        const [header, , signature] = forgeToken({ alg: 'HS256', typ: 'JWT' }, claims(), hs256).split('.');
        const elevated = Buffer.from(JSON.stringify({ ...claims(), roles: ['ADMIN', 'WAREHOUSE'] })).toString('base64url');
        return `${header}.${elevated}.${signature}`;
      }],
      ['garbage', () => 'not.a.token'],
    ];
    it.each(hostile)('rejects %s with 401', async (_, make) => {
      const response = await api.get('/api/admin/users', { token: make() });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('UNAUTHENTICATED');
    });

    it('rejects a malformed Authorization header', async () => {
      const response = await api.get('/api/auth/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      expect(response.status).toBe(401);
    });
  });

  describe('input handling: 4xx problem+json and nothing written', () => {
    const ordersOf = async (customerId: string) => (await server.engine.ports.orders.list({ page: 0, size: 100, customerId })).total;
    const stockOf = async () => (await server.engine.ports.stockGate.snapshot(product.sku))!;
    const productCount = async () => (await server.engine.ports.products.all()).length;

    it.each([
      ['malformed JSON', { rawBody: '{"productId": "x", ', headers: { 'content-type': 'application/json' } }, 400, 'MALFORMED_JSON'],
      ['a wrong type', { body: { productId: 'PRODUCT', quantity: '1' } }, 400, 'VALIDATION'],
      ['a fractional quantity', { body: { productId: 'PRODUCT', quantity: 1.5 } }, 400, 'VALIDATION'],
      ['an unknown field (price)', { body: { productId: 'PRODUCT', quantity: 1, price: { amount: 1, currency: 'USD' } } }, 400, 'VALIDATION'],
      ['an unknown field (status)', { body: { productId: 'PRODUCT', quantity: 1, status: 'CONFIRMED' } }, 400, 'VALIDATION'],
      ['a huge body', { body: { productId: 'PRODUCT', quantity: 1, note: 'x'.repeat(10_000) } }, 413, 'PAYLOAD_TOO_LARGE'],
      ['a non-JSON content type', { rawBody: 'productId=PRODUCT&quantity=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['an array body', { body: [{ productId: 'PRODUCT', quantity: 1 }] }, 400, 'VALIDATION'],
    ])('POST /api/orders with %s', async (_, request, status, code) => {
      const shopper = otherShopper;
      const [ordersBefore, stockBefore] = [await ordersOf(shopper.id), await stockOf()];
      const options = JSON.parse(JSON.stringify(request).replaceAll('PRODUCT', product.id));
      const response = await api.call('POST', '/api/orders', { ...options, token: shopper.token });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status, code, instance: '/api/orders' });
      expect(await ordersOf(shopper.id)).toBe(ordersBefore);
      expect(await stockOf()).toEqual(stockBefore);
    });

    it('rejects a huge body sent without a length (chunked) with 413', async () => {
      const chunk = new TextEncoder().encode(`{"productId":"${product.id}","quantity":1,"pad":"${'x'.repeat(8_000)}"}`);
      const response = await fetch(`${server.url}/api/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${otherShopper.token}`, 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(chunk);
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(((await response.json()) as Json).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('lists the offending fields of a validation failure', async () => {
      const response = await api.post('/api/products', { name: '', price: { amount: -1, currency: 'EURO' }, sku: 'mine' }, { token: users.ADMIN.token });
      expect(response.status).toBe(400);
      const fields = response.body.errors.map((error: Json) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'price.amount', 'price.currency', 'sku']));
    });

    it('does not let a client set what the server decides (mass assignment)', async () => {
      const before = await productCount();
      for (const extra of [{ id: UNKNOWN_ID }, { archived: true }, { createdAt: '2020-01-01T00:00:00Z' }, { sku: 'other-sku' }]) {
        const response = await api.post('/api/products', { name: 'Sneaky', price: { amount: 100, currency: 'USD' }, ...extra }, { token: users.ADMIN.token });
        expect(response.status).toBe(400);
      }
      expect(await productCount()).toBe(before);

      const email = `sneaky-${randomBytes(4).toString('hex')}@example.com`;
      const register = await api.post('/api/auth/register', { email, password: 'long-enough-pw', roles: ['ADMIN'] });
      expect(register.status).toBe(400);
      expect(await server.engine.ports.customers.getByEmail(email)).toBeNull();

      const legit = await api.post('/api/auth/register', { email, password: 'long-enough-pw' });
      expect(legit.status).toBe(201);
      expect(legit.body.user.roles).toEqual(['USER']);
      expect(legit.body.user).not.toHaveProperty('passwordHash');

      const initiate = await api.post('/api/payments/initiate', { orderId: UNKNOWN_ID, amount: { amount: 1, currency: 'USD' } }, { token: otherShopper.token });
      expect(initiate.status).toBe(400);
      const roles = await api.patch(`/api/admin/users/${otherShopper.id}/roles`, { roles: ['SUPERUSER'] }, { token: users.ADMIN.token });
      expect(roles.status).toBe(400);
      expect((await server.engine.ports.customers.get(otherShopper.id))?.roles).toEqual(['USER']);
    });

    it('charges the amount of the order, whatever the client sends', async () => {
      const shopper = (await createUsers(server, 1, ['USER'], 'payer'))[0]!;
      const placed = await api.post('/api/orders', { productId: product.id, quantity: 2 }, { token: shopper.token });
      expect(placed.status).toBe(202);
      const initiated = await api.post('/api/payments/initiate', { orderId: placed.body.orderId }, { token: shopper.token });
      expect(initiated.body.amount).toEqual({ amount: 2 * product.price.amount, currency: 'USD' });
      const token = String(initiated.body.paymentLink).split('/pay/')[1];
      const tampered = await api.post('/api/payments/process', { token, card: VALID_CARD, amount: { amount: 1, currency: 'USD' } });
      expect(tampered.status).toBe(400);
      expect((await server.engine.ports.payments.get(initiated.body.paymentId))?.status).toBe('INITIATED');
    });
  });

  describe('payment webhook', () => {
    const webhookBody = (paymentId: string) =>
      JSON.stringify({
        id: randomBytes(8).toString('hex'),
        type: 'payment.succeeded',
        paymentId,
        reference: 'mock_forged',
        reason: null,
        amount: { amount: 1, currency: 'USD' },
        createdAt: new Date().toISOString(),
      });
    const post = (body: string, signature?: string) =>
      api.call('POST', '/api/payments/webhook', {
        rawBody: body,
        headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'limitedcart-signature': signature }) },
      });

    let paymentId: string;
    beforeAll(async () => {
      const shopper = (await createUsers(server, 1, ['USER'], 'hook'))[0]!;
      const placed = await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: shopper.token });
      paymentId = (await api.post('/api/payments/initiate', { orderId: placed.body.orderId }, { token: shopper.token })).body.paymentId;
    });

    it.each([
      ['no signature', (_body: string) => undefined],
      ['a wrong secret', (body: string) => signWebhook('not-the-secret-at-all', body, nowSeconds())],
      ['a stale timestamp', (body: string) => signWebhook(WEBHOOK_SECRET, body, nowSeconds() - 3600)],
      ['a malformed header', () => 't=abc,v1=zz'],
      ['a signature of another body', () => signWebhook(WEBHOOK_SECRET, '{"other":true}', nowSeconds())],
    ])('rejects %s with 401 and records nothing', async (_, sign) => {
      const body = webhookBody(paymentId);
      const response = await post(body, sign(body));
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('INVALID_SIGNATURE');
      expect((await server.engine.ports.payments.get(paymentId))?.status).toBe('INITIATED');
    });

    it('accepts a correctly signed webhook (control)', async () => {
      const body = webhookBody(paymentId);
      const response = await post(body, signWebhook(WEBHOOK_SECRET, body, nowSeconds()));
      expect(response.status).toBe(200);
      expect((await server.engine.ports.payments.get(paymentId))?.status).toBe('SUCCEEDED');
    });
  });
});

describe('rate limits', () => {
  let server: TestServer;
  let api: Client;

  beforeAll(async () => {
    server = await startTestServer('memory', { RATE_LIMIT_LOGIN_PER_MINUTE: '3', RATE_LIMIT_ORDERS_PER_MINUTE: '2' });
    api = client(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('limits login attempts per address with 429 and retry-after', async () => {
    const attempts = [];
    for (let i = 0; i < 4; i++) attempts.push(await api.post('/api/auth/login', { email: 'victim@example.com', password: `guess-${i}-pw` }));
    expect(attempts.slice(0, 3).map((r) => r.status)).toEqual([401, 401, 401]);
    expect(attempts[3]!.status).toBe(429);
    expect(attempts[3]!.body.code).toBe('RATE_LIMITED');
    expect(Number(attempts[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits orders per customer', async () => {
    const [shopper] = await createUsers(server, 1);
    const product = await createStockedProduct(server, { units: 10, limit: 0 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: shopper!.token })).status);
    expect(statuses).toEqual([202, 202, 429]);
    expect((await server.engine.ports.orders.list({ page: 0, size: 10, customerId: shopper!.id })).total).toBe(2);
  });

  it('gives back the Idempotency-Key of an order refused by the limit', async () => {
    const [shopper] = await createUsers(server, 1);
    const product = await createStockedProduct(server, { units: 10, limit: 0 });
    const order = (key?: string) =>
      api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: shopper!.token, ...(key ? { headers: { 'idempotency-key': key } } : {}) });
    expect([(await order()).status, (await order()).status]).toEqual([202, 202]);
    const refused = await order('over-the-limit');
    expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED']);
    // Not left claimed: the same key is refused by the limit again, not reported as still in flight.
    expect(await server.engine.ports.idempotency.find(`orders.place:${shopper!.id}`, 'over-the-limit')).toBeNull();
    expect((await order('over-the-limit')).body.code).toBe('RATE_LIMITED');
  });

  it('does not count order attempts refused from what is already known', async () => {
    const [shopper] = await createUsers(server, 1);
    const product = await createStockedProduct(server, { units: 10, limit: 1 });
    const overLimit = [];
    for (let i = 0; i < 3; i++) overLimit.push(await api.post('/api/orders', { productId: product.id, quantity: 2 }, { token: shopper!.token }));
    expect(overLimit.map((r) => [r.status, r.body.code])).toEqual(Array(3).fill([409, 'LIMIT_EXCEEDED']));
    // Three refusals past a limit of two per minute, and the first real attempt still goes through.
    expect((await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: shopper!.token })).status).toBe(202);
  });
});
