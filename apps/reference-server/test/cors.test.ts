import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsers, startTestServer, type TestServer, type TestUser } from './support.js';

const STORE = 'https://shop.example.com';
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example.net';

/** A browser's preflight: OPTIONS with the origin and what the real request will carry. */
const preflight = (url: string, origin: string, method: string, headers = 'authorization,content-type') =>
  fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });

/** Issue 18, CORS for a headless API: an allow-list per kind of front end, never the request's origin reflected. */
describe('CORS', () => {
  let server: TestServer;
  let shopper: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    server = await startTestServer('memory', { STORE_CORS: STORE, ADMIN_CORS: ADMIN });
    shopper = (await createUsers(server, 1))[0]!;
    admin = (await createUsers(server, 1, ['ADMIN'], 'admin'))[0]!;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers a storefront preflight for placing an order, for exactly that origin', async () => {
    const response = await preflight(`${server.url}/api/orders`, STORE, 'POST', 'authorization,content-type,idempotency-key');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(STORE);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')?.toLowerCase()).toContain('origin');
  });

  it('lets the storefront read shopper routes with a bearer token, without credentials mode', async () => {
    const response = await fetch(`${server.url}/api/orders`, { headers: { origin: STORE, authorization: `Bearer ${shopper.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(STORE);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('retry-after');
  });

  it('keeps the staff areas to admin origins', async () => {
    for (const path of ['/api/admin/users', '/api/inventory/stock']) {
      const fromStore = await fetch(`${server.url}${path}`, { headers: { origin: STORE, authorization: `Bearer ${admin.token}` } });
      expect(fromStore.headers.get('access-control-allow-origin'), path).toBeNull();
      expect((await preflight(`${server.url}${path}`, STORE, 'GET')).headers.get('access-control-allow-origin'), path).toBeNull();
      const fromAdmin = await fetch(`${server.url}${path}`, { headers: { origin: ADMIN, authorization: `Bearer ${admin.token}` } });
      expect(fromAdmin.headers.get('access-control-allow-origin'), path).toBe(ADMIN);
    }
  });

  it('never reflects an origin it does not list', async () => {
    for (const origin of [EVIL, 'null', `${STORE}.evil.example.net`, STORE.replace('https', 'http'), `${STORE}:8443`]) {
      const simple = await fetch(`${server.url}/api/products`, { headers: { origin } });
      expect(simple.headers.get('access-control-allow-origin'), origin).toBeNull();
      const pre = await preflight(`${server.url}/api/orders`, origin, 'POST');
      expect(pre.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(pre.headers.get('access-control-allow-credentials'), origin).toBeNull();
    }
  });

  it('allows credentials only on /api/auth, where a cookie session would live', async () => {
    const auth = await preflight(`${server.url}/api/auth/login`, STORE, 'POST', 'content-type');
    expect(auth.headers.get('access-control-allow-origin')).toBe(STORE);
    expect(auth.headers.get('access-control-allow-credentials')).toBe('true');
    const orders = await preflight(`${server.url}/api/orders`, STORE, 'POST');
    expect(orders.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('CORS defaults', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('memory');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('allows no cross-origin caller at all when no origin is configured', async () => {
    for (const origin of [STORE, ADMIN, EVIL]) {
      expect((await fetch(`${server.url}/api/products`, { headers: { origin } })).headers.get('access-control-allow-origin')).toBeNull();
      expect((await preflight(`${server.url}/api/orders`, origin, 'POST')).headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('refuses a configured origin that is not an exact origin', async () => {
    await expect(startTestServer('memory', { STORE_CORS: '*' })).rejects.toThrow(/STORE_CORS/);
    await expect(startTestServer('memory', { ADMIN_CORS: 'https://admin.example.com/' })).rejects.toThrow(/ADMIN_CORS/);
  });
});
