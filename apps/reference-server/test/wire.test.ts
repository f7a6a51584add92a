import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createStockedProduct, createUsers, startTestServer, type TestServer } from './support.js';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The bytes as they crossed the wire (not decoded). */
  readonly body: Buffer;
}

/** A GET with node:http, which (unlike fetch) neither asks for nor decodes compression by itself. */
const rawGet = (url: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

const decode = (response: RawResponse): string => {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(response.body).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(response.body).toString('utf8');
  return response.body.toString('utf8');
};

/** Compression, caching and the server's time on the wire (in-memory engine; a storefront build made by the test). */
describe('on the wire', () => {
  let server: TestServer;
  let dir: string;
  const script = `console.log(${JSON.stringify('storefront '.repeat(2_000))});\n`;
  const scriptName = 'index-AbCd1234.js';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lc-storefront-'));
    await mkdir(join(dir, 'assets'));
    const html = `<!doctype html><html><head><script type="module" src="/assets/${scriptName}"></script></head><body>${'<div></div>'.repeat(200)}</body></html>`;
    await writeFile(join(dir, 'index.html'), html);
    await writeFile(join(dir, 'assets', scriptName), script);
    // What scripts/precompress.mjs writes: the server sends these as they are.
    await writeFile(join(dir, 'assets', `${scriptName}.br`), brotliCompressSync(script));
    await writeFile(join(dir, 'assets', `${scriptName}.gz`), gzipSync(script));
    await writeFile(join(dir, 'assets', 'plain-Ef567890.css'), `body{color:red}\n${'.x{margin:0}\n'.repeat(500)}`);
    server = await startTestServer('memory', { STOREFRONT_DIR: dir, STORE_CORS: 'https://shop.example' });
    for (let i = 0; i < 30; i += 1) await createStockedProduct(server, { units: 5, name: `Wire product ${i}` });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('compression', () => {
    it('sends API JSON as br or gzip, as Accept-Encoding asks, and as it is otherwise', async () => {
      const plain = await rawGet(`${server.url}/api/products?size=30`);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toMatch(/accept-encoding/i);
      const expected = JSON.parse(plain.body.toString('utf8'));

      const br = await rawGet(`${server.url}/api/products?size=30`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['content-type']).toContain('application/json');
      expect(Number(br.headers['content-length'])).toBe(br.body.length);
      expect(br.body.length).toBeLessThan(plain.body.length / 3);
      expect(JSON.parse(decode(br))).toEqual(expected);

      const gzip = await rawGet(`${server.url}/api/products?size=30`, { 'accept-encoding': 'gzip' });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(decode(gzip))).toEqual(expected);

      const refused = await rawGet(`${server.url}/api/products?size=30`, { 'accept-encoding': 'br;q=0, gzip;q=0' });
      expect(refused.headers['content-encoding']).toBeUndefined();
    });

    it('compresses problem documents but leaves small bodies alone', async () => {
      const small = await rawGet(`${server.url}/healthz`, { 'accept-encoding': 'br' });
      expect(small.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(small.body.toString('utf8'))).toEqual({ status: 'ok' });
    });

    it('never compresses the notification stream', async () => {
      const [shopper] = await createUsers(server, 1);
      const controller = new AbortController();
      const response = await fetch(`${server.url}/api/notifications/stream`, {
        headers: { authorization: `Bearer ${shopper!.token}`, 'accept-encoding': 'br, gzip' },
        signal: controller.signal,
      });
      try {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain('text/event-stream');
        expect(response.headers.get('content-encoding')).toBeNull();
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        let text = '';
        while (!text.includes('\n\n')) text += (await reader.read()).value ?? '';
        expect(text).toContain('event: ready');
        const data = JSON.parse(/data: (.*)/.exec(text)![1]!);
        expect(Number.isNaN(Date.parse(data.serverTime))).toBe(false);
      } finally {
        controller.abort();
      }
    });

    it('serves precompressed storefront files as they are, and compresses the others', async () => {
      const br = await rawGet(`${server.url}/assets/${scriptName}`, { 'accept-encoding': 'br, gzip' });
      expect(br.status).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.body.equals(brotliCompressSync(script))).toBe(true);
      expect(decode(br)).toBe(script);
      const gz = await rawGet(`${server.url}/assets/${scriptName}`, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(decode(gz)).toBe(script);
      const plain = await rawGet(`${server.url}/assets/${scriptName}`);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString('utf8')).toBe(script);

      const css = await rawGet(`${server.url}/assets/plain-Ef567890.css`, { 'accept-encoding': 'br' });
      expect(css.headers['content-encoding']).toBe('br');
      expect(decode(css)).toContain('body{color:red}');
      const page = await rawGet(`${server.url}/`, { 'accept-encoding': 'gzip', accept: 'text/html' });
      expect(page.headers['content-encoding']).toBe('gzip');
      expect(decode(page)).toContain(scriptName);
    });
  });

  describe('caching', () => {
    it('caches hashed assets for a year and revalidates index.html and client routes', async () => {
      const asset = await rawGet(`${server.url}/assets/${scriptName}`, { 'accept-encoding': 'br' });
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      for (const path of ['/', '/index.html', '/pay/some-token', '/orders/abc']) {
        const page = await rawGet(`${server.url}${path}`, { accept: 'text/html' });
        expect(page.status, path).toBe(200);
        expect(page.headers['cache-control'], path).toBe('no-cache');
        expect(page.body.toString('utf8'), path).toContain('<!doctype html>');
      }
      const missing = await rawGet(`${server.url}/assets/nope-12345678.js`);
      expect(missing.status).toBe(404);
      expect(missing.headers['cache-control']).not.toBe('public, max-age=31536000, immutable');
    });
  });

  describe("the server's time", () => {
    it('GET /api/time answers the engine time in ISO and epoch milliseconds, uncached', async () => {
      const before = Date.now();
      const time = await client(server.url).get('/api/time');
      const after = Date.now();
      expect(time.status).toBe(200);
      expect(time.headers.get('cache-control')).toBe('no-store');
      expect(Date.parse(time.body.serverTime)).toBe(time.body.epochMs);
      expect(time.body.epochMs).toBeGreaterThanOrEqual(before);
      expect(time.body.epochMs).toBeLessThanOrEqual(after);
    });

    it('every response carries X-Server-Time in milliseconds, problems and static files included', async () => {
      const api = client(server.url);
      for (const response of [
        await api.get('/api/products'),
        await api.get('/api/orders'),
        await api.get('/api/nope'),
        await api.get('/healthz'),
        await api.get(`/assets/${scriptName}`),
      ]) {
        const header = response.headers.get('x-server-time');
        expect(header, `X-Server-Time on a ${response.status}`).toMatch(/^\d{13}$/);
        expect(Math.abs(Number(header) - Date.now())).toBeLessThan(60_000);
      }
    });

    it('lets browsers on allowed origins read X-Server-Time', async () => {
      const response = await client(server.url).get('/api/time', { headers: { origin: 'https://shop.example' } });
      expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect((response.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain('x-server-time');
    });

    it('documents the header, the time route and the new payment fields in the OpenAPI document', async () => {
      const document = (await client(server.url).get('/api/openapi.json')).body;
      expect(document.paths['/api/time'].get.responses['200']).toBeDefined();
      expect(document.paths['/api/products'].get.responses['200'].headers['X-Server-Time']).toBeDefined();
      expect(document.components.schemas.PaymentInitiated.properties.holdUntil).toBeDefined();
      expect(document.components.schemas.PaymentLink.properties.serverTime).toBeDefined();
      expect(JSON.stringify(document.paths['/api/payments/process'].post.responses['409'])).toContain('HOLD_EXPIRED');
    });
  });
});
