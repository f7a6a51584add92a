import { randomBytes } from 'node:crypto';
import type { Role } from '@limitedcart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createUsers, startTestServer, type TestServer, type TestUser } from './support.js';

const METRICS_TOKEN = randomBytes(32).toString('base64url');

/** Issue 18 finding 14: `/metrics` and the detail of `/readyz` were anonymous. */
describe('who may read metrics and readiness detail', () => {
  let server: TestServer;
  const users = {} as Record<Role, TestUser>;

  beforeAll(async () => {
    server = await startTestServer('memory', { METRICS_TOKEN });
    for (const role of ['USER', 'WAREHOUSE', 'ADMIN'] as const) users[role] = (await createUsers(server, 1, [role], role.toLowerCase()))[0]!;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses /metrics without credentials (401) and to non-admins (403)', async () => {
    const api = client(server.url);
    const anonymous = await api.get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    expect((await api.get('/metrics', { headers: { authorization: 'Bearer not-the-token' } })).status).toBe(401);
    expect((await api.get('/metrics', { token: users.USER.token })).status).toBe(403);
    expect((await api.get('/metrics', { token: users.WAREHOUSE.token })).status).toBe(403);
  });

  it('serves /metrics to the scraper token and to ADMIN', async () => {
    const api = client(server.url);
    for (const token of [METRICS_TOKEN, users.ADMIN.token]) {
      const response = await api.get('/metrics', { token });
      expect(response.status).toBe(200);
      expect(String(response.body)).toContain('http_requests_total');
    }
  });

  it('answers the anonymous probe with the bare status, and staff with every check', async () => {
    const api = client(server.url);
    for (const token of [undefined, users.USER.token]) {
      const probe = await api.get('/readyz', token ? { token } : {});
      expect(probe.status).toBe(200);
      expect(probe.body).toEqual({ status: 'ready' });
    }
    for (const token of [users.WAREHOUSE.token, users.ADMIN.token]) {
      const detail = await api.get('/readyz', { token });
      expect(detail.status).toBe(200);
      expect(detail.body.status).toBe('ready');
      expect(detail.body.checks.map((check: { name: string }) => check.name)).toContain('engine');
    }
  });
});

describe('metrics on a separate listener (METRICS_PORT)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('memory', { METRICS_PORT: '0' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves /metrics there without a token, and not on the main listener at all', async () => {
    expect(server.metricsUrl).not.toBeNull();
    const separate = await client(server.metricsUrl!).get('/metrics');
    expect(separate.status).toBe(200);
    expect(String(separate.body)).toContain('process_cpu_user_seconds_total');
    const [admin] = await createUsers(server, 1, ['ADMIN']);
    expect((await client(server.url).get('/metrics', { token: admin!.token })).status).toBe(404);
    // The separate listener serves nothing else.
    expect((await client(server.metricsUrl!).get('/api/products')).status).toBe(404);
  });
});
