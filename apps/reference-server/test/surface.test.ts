import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createStockedProduct, createUsers, type Json, startTestServer, type TestServer, type TestUser } from './support.js';

/** A raw request (fetch refuses TRACE), resolving with the status, headers and body text. */
const rawRequest = (url: string, method: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });

/** Directives of a Content-Security-Policy header, by name. */
const directives = (header: string | null): Record<string, string[]> =>
  Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );

/** Issue 18 findings 8 (Swagger UI and CSP) and 17 (OpenAPI drift), and TRACE. */
describe('HTTP surface', () => {
  let server: TestServer;
  let dir: string;
  let admin: TestUser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lc-surface-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Storefront</title><script type="module" src="/assets/app.js"></script>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log("storefront")');
    server = await startTestServer('memory', { STOREFRONT_DIR: dir });
    admin = (await createUsers(server, 1, ['ADMIN'], 'admin'))[0]!;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('Swagger UI', () => {
    it('is served from this server: no CDN, every script and stylesheet a same-origin path', async () => {
      const page = await fetch(`${server.url}/api/docs`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(references.length).toBeGreaterThanOrEqual(3);
      for (const reference of references) expect(reference).toMatch(/^\/api\/docs\//);
      expect(html).not.toMatch(/cdn|unpkg|jsdelivr|https?:\/\//i);
      expect(html).not.toMatch(/<script>|<style>|\son\w+=/);
      for (const reference of references) {
        const asset = await fetch(`${server.url}${reference}`);
        expect(asset.status, reference).toBe(200);
        expect((await asset.arrayBuffer()).byteLength, reference).toBeGreaterThan(0);
      }
      const bundle = await fetch(`${server.url}/api/docs/swagger-ui-bundle.js`);
      expect(bundle.headers.get('content-type')).toContain('javascript');
      expect((await fetch(`${server.url}/api/docs/package.json`)).status).toBe(404);
      expect((await fetch(`${server.url}/api/docs/..%2Fpackage.json`)).status).toBe(404);
    });

    it('has a CSP that allows only this server: no inline script, no eval', async () => {
      const csp = directives((await fetch(`${server.url}/api/docs`)).headers.get('content-security-policy'));
      expect(csp['default-src']).toEqual(["'none'"]);
      expect(csp['script-src']).toEqual(["'self'"]);
      expect(csp['style-src']).toEqual(["'self'"]);
      expect(csp['connect-src']).toEqual(["'self'"]);
      expect(csp['frame-ancestors']).toEqual(["'none'"]);
      expect(JSON.stringify(csp)).not.toMatch(/unsafe|https?:|\*/);
    });
  });

  it('gives the storefront a CSP: scripts and calls to this server only', async () => {
    for (const path of ['/', '/pay/some-token']) {
      const response = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      const csp = directives(response.headers.get('content-security-policy'));
      expect(csp['script-src'], path).toEqual(["'self'"]);
      expect(csp['connect-src'], path).toEqual(["'self'"]);
      expect(csp['object-src'], path).toEqual(["'none'"]);
      expect(csp['frame-ancestors'], path).toEqual(["'none'"]);
      expect(JSON.stringify(csp), path).not.toMatch(/unsafe-eval|https?:|\*/);
    }
    const api = await fetch(`${server.url}/api/products`);
    expect(directives(api.headers.get('content-security-policy'))['default-src']).toEqual(["'none'"]);
  });

  describe('methods', () => {
    it('answers TRACE with 405, never echoing the request', async () => {
      for (const path of ['/api/products', '/api/orders', '/', '/nowhere']) {
        const response = await rawRequest(`${server.url}${path}`, 'TRACE', { authorization: 'Bearer secret-token' });
        expect(response.status, path).toBe(405);
        expect(response.body).not.toContain('secret-token');
      }
    });

    it('answers a method a known path lacks with 405 and Allow; unknown paths stay 404', async () => {
      const response = await client(server.url).call('DELETE', '/api/orders');
      expect(response.status).toBe(405);
      expect(response.body.code).toBe('METHOD_NOT_ALLOWED');
      expect(response.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
      expect((await client(server.url).call('PUT', '/api/orders/abc/cancel')).headers.get('allow')).toBe('POST, OPTIONS');
      expect((await client(server.url).call('POST', '/api/nothing-here')).status).toBe(404);
      const options = await client(server.url).call('OPTIONS', '/api/products/abc');
      expect(options.status).toBe(204);
      expect(options.headers.get('allow')).toContain('PATCH');
    });
  });

  describe('OpenAPI document matches what the server does (finding 17)', () => {
    let document: Json;
    beforeAll(async () => {
      document = (await client(server.url).get('/api/openapi.json')).body;
    });

    it('documents the 400, 413, 415 and 431 the edge answers on every operation', () => {
      const missing: string[] = [];
      for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
        for (const [method, operation] of Object.entries(operations)) {
          const expected = ['400', '431', ...(['post', 'put', 'patch', 'delete'].includes(method) ? ['413', '415'] : [])];
          for (const status of expected) if (!(status in operation.responses)) missing.push(`${method} ${path} ${status}`);
        }
      }
      expect(missing).toEqual([]);
    });

    it('sends a 413 and a 431 that are documented', async () => {
      const api = client(server.url);
      const tooLarge = await api.post('/api/auth/login', { email: 'x'.repeat(100_000), password: 'x' });
      expect(tooLarge.status).toBe(413);
      const headers = await rawRequest(`${server.url}/api/products`, 'GET', { 'x-padding': 'x'.repeat(20_000) });
      expect(headers.status).toBe(431);
    });

    it('types the nullable fields of the reconcile report as nullable (no object-only $ref)', () => {
      const sku = document.components.schemas.ReconcileReport.properties.skus.items.properties;
      for (const field of ['ledger', 'admit']) {
        expect(sku[field].nullable, field).toBe(true);
        expect(sku[field].type, field).toBe('object');
        expect(JSON.stringify(sku[field]), field).not.toContain('allOf');
      }
    });

    it('refuses a PATCH without a body instead of applying an empty patch', async () => {
      const product = await createStockedProduct(server, { units: 1 });
      const response = await client(server.url).call('PATCH', `/api/products/${product.id}`, { token: admin.token });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION');
      const withBody = await client(server.url).patch(`/api/products/${product.id}`, { name: 'Renamed' }, { token: admin.token });
      expect(withBody.status).toBe(200);
    });

    it('takes integers in query strings only as integers', async () => {
      const api = client(server.url);
      for (const page of ['0.0', '1e1', ' 1', 'one']) {
        expect((await api.get(`/api/products?page=${encodeURIComponent(page)}`)).status, page).toBe(400);
      }
      expect((await api.get('/api/products?page=0&size=5')).status).toBe(200);
      const parameter = document.paths['/api/products'].get.parameters.find((p: Json) => p.name === 'page');
      expect(parameter.schema).toMatchObject({ type: 'integer', minimum: 0 });
      expect(parameter.schema.nullable).toBeUndefined();
    });

    it('says which emails registration takes, by pattern, and takes every one it documents', async () => {
      const email = document.components.schemas.Credentials.properties.email;
      expect(email.format).toBeUndefined();
      const pattern = new RegExp(email.pattern);
      const api = client(server.url);
      // Addresses that are valid by RFC 5322 and used to be refused while the document said `format: email`.
      for (const address of ["o'neil+tag@example.com", 'a@[127.0.0.1]', 'x@sub-domain.example.museum', '_.-@xn--bcher-kva.example']) {
        expect(pattern.test(address), address).toBe(true);
        const registered = await api.post('/api/auth/register', { email: address, password: 'long-enough-pw' });
        expect(registered.status, address).toBe(201);
      }
      for (const address of ['"a b"@example.com', 'no-at-sign', 'a@b']) {
        expect(pattern.test(address), address).toBe(false);
        expect((await api.post('/api/auth/register', { email: address, password: 'long-enough-pw' })).status, address).toBe(400);
      }
    });
  });
});
