import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitFor } from '@limitedcart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCT_IDS } from '../src/seed.js';
import { openSse } from './sse.js';
import { client, createStockedProduct, createUsers, type Json, startTestServer, type TestServer } from './support.js';

const SECTION_6_OPERATIONS = [
  'POST /api/auth/register',
  'POST /api/auth/login',
  'GET /api/auth/me',
  'GET /api/products',
  'GET /api/products/{id}',
  'GET /api/products/search',
  'POST /api/products',
  'PUT /api/products/{id}',
  'PATCH /api/products/{id}',
  'DELETE /api/products/{id}',
  'POST /api/inventory/restock',
  'GET /api/inventory/stock',
  'GET /api/inventory/summary',
  'GET /api/inventory/reconcile',
  'POST /api/inventory/reconcile',
  'POST /api/orders',
  'GET /api/orders',
  'GET /api/orders/{id}',
  'POST /api/orders/{id}/cancel',
  'POST /api/payments/initiate',
  'POST /api/payments/process',
  'POST /api/payments/webhook',
  'GET /api/notifications/stream',
  'GET /api/admin/users',
  'PATCH /api/admin/users/{id}/roles',
  'GET /api/admin/metrics',
  'GET /api/admin/orders',
];

describe('operations endpoints', () => {
  let server: TestServer;
  const api = () => client(server.url);

  beforeAll(async () => {
    // A folder without a build: the landing page stands in for the storefront.
    server = await startTestServer('postgres', { STOREFRONT_DIR: join(tmpdir(), 'lc-no-storefront-here') });
  }, 90_000);
  afterAll(async () => {
    await server?.close();
  });

  it('answers liveness and readiness with every adapter check', async () => {
    expect((await api().get('/healthz')).body).toEqual({ status: 'ok' });
    const [staff] = await createUsers(server, 1, ['ADMIN'], 'ops-admin');
    const ready = await api().get('/readyz', { token: staff!.token });
    expect(ready.status).toBe(200);
    const names = ready.body.checks.map((check: Json) => check.name);
    expect(names).toEqual(expect.arrayContaining(['engine', 'postgres']));
    expect(names.some((name: string) => name.includes('saga'))).toBe(true);
    expect(ready.body.checks.every((check: Json) => check.ok)).toBe(true);
  });

  it('exposes Prometheus metrics by route pattern and status, with process defaults', async () => {
    const product = await createStockedProduct(server, { units: 1 });
    await api().get(`/api/products/${product.id}`);
    await api().get('/api/products/00000000-0000-4000-8000-000000000000');
    const [admin] = await createUsers(server, 1, ['ADMIN'], 'metrics-admin');
    const metrics = await api().get('/metrics', { token: admin!.token });
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.body).toMatch(/http_requests_total\{method="GET",route="\/api\/products\/:id",status="200"\} \d+/);
    expect(metrics.body).toMatch(/http_requests_total\{method="GET",route="\/api\/products\/:id",status="404"\} \d+/);
    expect(metrics.body).toContain('http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
    expect(metrics.body).not.toContain(product.id);
    // The product's creation went through the bus to this process's catalogue subscription: how late, and how long.
    const delivered = /limitedcart_event_delivery_delay_seconds_count\{topic="products",group="limitedcart\.catalogue"\} [1-9]/;
    const handled = /limitedcart_event_handling_seconds_count\{topic="products",group="limitedcart\.catalogue",outcome="ok"\} [1-9]/;
    await waitFor(async () => {
      const body = String((await api().get('/metrics', { token: admin!.token })).body);
      return delivered.test(body) && handled.test(body);
    }, { message: 'the event metrics of the product subscription' });
    expect(metrics.body).toMatch(/limitedcart_db_pool_clients\{state="waiting"\} \d+/);
  });

  it('serves an OpenAPI document with every route of the contract, and Swagger UI', async () => {
    const document = (await api().get('/api/openapi.json')).body;
    expect(document.openapi).toMatch(/^3\./);
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(expect.arrayContaining(SECTION_6_OPERATIONS));
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.paths['/api/orders'].post.requestBody.content['application/json'].schema).toBeDefined();
    expect(document.paths['/api/orders'].post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'idempotency-key', required: false })]),
    );
    const docs = await api().get('/api/docs');
    expect(docs.status).toBe(200);
    expect(String(docs.body)).toContain('swagger');
  });

  it('tags every response with a request id and answers unknown routes with a 404 problem', async () => {
    const response = await api().get('/api/nothing-here', { headers: { 'x-request-id': 'trace-me-123' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('trace-me-123');
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((await api().get('/healthz')).headers.get('x-request-id')).toMatch(/.+/);
  });

  it('serves a landing page at / without a storefront build', async () => {
    const response = await api().get('/');
    expect(response.status).toBe(200);
    expect(String(response.body)).toContain('/api/docs');
  });
});

describe('storefront', () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lc-storefront-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Storefront</title><div id="app"></div>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log("storefront")');
    server = await startTestServer('memory', { STOREFRONT_DIR: dir });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the build, falls back to index.html for client routes, and leaves /api alone', async () => {
    const api = client(server.url);
    expect(String((await api.get('/')).body)).toContain('Storefront');
    const asset = await api.get('/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    const deepLink = await api.get('/pay/some-token', { headers: { accept: 'text/html' } });
    expect(deepLink.status).toBe(200);
    expect(String(deepLink.body)).toContain('Storefront');
    expect((await api.get('/api/unknown', { headers: { accept: 'text/html' } })).status).toBe(404);
  });
});

describe('graceful shutdown', () => {
  it('drains in-flight requests, ends SSE streams, then stops the engine', async () => {
    const server = await startTestServer('memory');
    const [shopper] = await createUsers(server, 1);
    const product = await createStockedProduct(server, { units: 5 });
    const stream = await openSse(`${server.url}/api/notifications/stream`, { authorization: `Bearer ${shopper!.token}` });
    expect(stream.status).toBe(200);

    // A request whose body is still arriving when the shutdown starts. `pull` runs once fetch is writing
    // the body, i.e. once the connection is up.
    let finishBody!: () => void;
    let sending!: () => void;
    const started = new Promise<void>((resolve) => {
      sending = resolve;
    });
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        if (pulls === 1) {
          controller.enqueue(new TextEncoder().encode(`{"productId":"${product.id}",`));
          sending();
          return;
        }
        return new Promise<void>((resolve) => {
          finishBody = () => {
            controller.enqueue(new TextEncoder().encode('"quantity":1}'));
            controller.close();
            resolve();
          };
        });
      },
    });
    const inFlight = fetch(`${server.url}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shopper!.token}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    await started;
    // A round trip on another connection: by its answer the server has read the first request's headers.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const stopping = server.stop();
    await stream.ended;
    expect(server.deps.isAccepting()).toBe(false);
    await waitFor(() => finishBody !== undefined, { message: 'the body stream to ask for more' });
    finishBody();
    const response = await inFlight;
    expect(response.status).toBe(202);
    await stopping;
    expect(server.engine.state).toBe('stopped');
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('cuts connections that outlive the grace period', async () => {
    const server = await startTestServer('memory', { SHUTDOWN_GRACE_MS: '300' });
    const [shopper] = await createUsers(server, 1);
    let sending!: () => void;
    const started = new Promise<void>((resolve) => {
      sending = resolve;
    });
    // A body that never ends: only the grace period can end this request.
    const never = fetch(`${server.url}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shopper!.token}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        pull(controller) {
          controller.enqueue(new TextEncoder().encode('{"productId":'));
          sending();
          return new Promise<void>(() => {});
        },
      }),
      duplex: 'half',
    } as RequestInit).catch((error: unknown) => error);
    await started;
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await server.stop();
    // The request was accepted before the shutdown and got no answer: its connection was cut.
    expect(await never).toBeInstanceOf(Error);
    expect(server.engine.state).toBe('stopped');
  });
});

describe('embedded profile', () => {
  it('starts on a clean data dir with the demo seed, and restarts idempotently with the same secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lc-embedded-'));
    await chmod(dir, 0o755);
    const dataDir = join(dir, 'data');
    const env = {
      LIMITEDCART_PROFILE: 'embedded',
      LIMITEDCART_DATA_DIR: dataDir,
      LIMITEDCART_EMBEDDED_PG_PORT: String(20_000 + Math.floor(Math.random() * 20_000)),
      SEED_DEMO: 'true',
    };
    try {
      const first = await startTestServer('memory', env);
      const seed = first.seed!;
      await first.close();
      expect(seed.created).toHaveLength(Object.keys(DEMO_PRODUCT_IDS).length);
      expect(seed.accounts.map((account) => account.roles[0])).toEqual(['USER', 'WAREHOUSE', 'ADMIN']);
      expect((await stat(join(dataDir, 'secrets.json'))).mode & 0o777).toBe(0o600);

      const second = await startTestServer('memory', env);
      try {
        expect(second.profile).toBe('embedded');
        expect(second.seed!.created).toEqual([]);
        expect(second.seed!.accounts).toEqual(seed.accounts);
        const api = client(second.url);
        const products = await api.get('/api/products?size=100');
        expect(products.body.total).toBe(Object.keys(DEMO_PRODUCT_IDS).length);
        const admin = seed.accounts.find((account) => account.roles.includes('ADMIN'))!;
        const login = await api.post('/api/auth/login', { email: admin.email, password: admin.password });
        expect(login.status).toBe(200);
        const stock = await api.get('/api/inventory/stock', { token: login.body.accessToken });
        const drop = stock.body.items.find((line: Json) => line.productId === DEMO_PRODUCT_IDS.drop);
        expect(drop).toMatchObject({ restockedTotal: 100, available: 100 });
        const secrets = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8'));
        expect(Object.keys(secrets).sort()).toEqual(['admissionTokenKey', 'jwtKey', 'postgresPassword', 'webhookSecret']);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('cli', () => {
  it('prints its usage', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@limitedcart/source', '--import', 'tsx', 'src/cli.ts', '--help'], { cwd });
    for (const command of ['start', 'worker', 'migrate', 'seed']) expect(stdout).toContain(command);
  });
});
