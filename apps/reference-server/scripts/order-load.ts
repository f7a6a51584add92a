/**
 * Repeatable load on `POST /api/orders`: the bare-Hono ceiling, the accept path (a drop with enough stock) and
 * the reject path (a sold-out SKU), each for a fixed duration, against one server started in this process.
 *
 *   pnpm --filter @limitedcart/reference-server exec node --conditions=@limitedcart/source --import tsx \
 *     scripts/order-load.ts [--duration 10] [--connections 20] [--users 2000] [--only ceiling,accept,reject]
 *
 * With DATABASE_URL set it runs the Postgres profile in a fresh schema (dropped afterwards); without it, the
 * embedded profile in a temporary data folder. Shoppers hold tokens issued before the clock starts and are used
 * round-robin, each request with its own Idempotency-Key. autocannon runs in a worker thread so the load
 * generator does not share the server's event loop (it still shares the machine's cores).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { hashPassword } from '@limitedcart/plugin-auth-jwt';
import { Hono } from 'hono';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/composition/server.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    users: { type: 'string', default: '2000' },
    only: { type: 'string', default: 'ceiling,accept,reject' },
    /** Leave out the Idempotency-Key header, to see what the idempotency round trips cost. */
    'no-idempotency': { type: 'boolean', default: false },
  },
});
const DURATION_S = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const USERS = Number(args.users);
const SCENARIOS = new Set(args.only.split(','));
const IDEMPOTENCY = !args['no-idempotency'];

interface LoadResult {
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly statuses: Record<string, number>;
  readonly errors: number;
}

/** autocannon in a worker thread (CommonJS eval: autocannon is CommonJS; its path is resolved here). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require(workerData.autocannonPath);
const { url, tokens, body, duration, connections, runTag, idempotency } = workerData;
let next = 0;
const statuses = {};
const instance = autocannon({
  url,
  method: 'POST',
  duration,
  connections,
  requests: [{
    setupRequest: (request) => {
      const index = next++;
      const headers = { 'content-type': 'application/json' };
      if (idempotency) headers['idempotency-key'] = runTag + '-' + index;
      if (tokens.length > 0) headers.authorization = 'Bearer ' + tokens[index % tokens.length];
      return { ...request, method: 'POST', headers, body };
    },
  }],
}, (error, result) => {
  if (error) throw error;
  // Off the main thread autocannon does not aggregate, so percentiles come from the recorded response times.
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  parentPort.postMessage({
    requests: latencies.length,
    rps: latencies.length / duration,
    p50: Math.round(at(0.5) * 10) / 10,
    p90: Math.round(at(0.9) * 10) / 10,
    p99: Math.round(at(0.99) * 10) / 10,
    max: Math.round(at(1) * 10) / 10,
    statuses,
    errors: result.errors + result.timeouts,
  });
});
const latencies = [];
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  latencies.push(responseTime);
});
`;

const autocannonPath = createRequire(import.meta.url).resolve('autocannon');

const fire = (url: string, tokens: readonly string[], body: unknown): Promise<LoadResult> =>
  new Promise((resolveRun, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        autocannonPath,
        url,
        tokens,
        body: JSON.stringify(body),
        duration: DURATION_S,
        connections: CONNECTIONS,
        runTag: randomBytes(6).toString('hex'),
        idempotency: IDEMPOTENCY,
      },
    });
    worker.once('message', resolveRun);
    worker.once('error', reject);
  });

const startCeiling = () =>
  new Promise<{ url: string; close: () => void }>((resolveStart) => {
    const app = new Hono();
    app.post('/bare', async (c) => c.json({ ok: true, echo: await c.req.json() }, 202));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolveStart({ url: `http://127.0.0.1:${info.port}/bare`, close: () => server.close() }),
    );
  });

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  const schema = `load_${randomBytes(4).toString('hex')}`;
  const dataDir = databaseUrl ? null : await mkdtemp(join(tmpdir(), 'limitedcart-load-'));
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    DB_SCHEMA: schema,
    RATE_LIMIT_ORDERS_PER_MINUTE: '1000000',
    RATE_LIMIT_ORDERS_PER_IP_PER_MINUTE: '100000000',
    // Every token orders the unlimited load product many times: the accept scenario measures accepts, not the cap.
    UNIT_CAP_PER_CUSTOMER: '0',
    JWT_KEY: randomBytes(32).toString('hex'),
    PAYMENT_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
    ADMISSION_TOKEN_KEY: randomBytes(32).toString('hex'),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { LIMITEDCART_PROFILE: 'embedded', LIMITEDCART_DATA_DIR: dataDir! }),
    ...Object.fromEntries(Object.entries(process.env).filter(([key, value]) => key.startsWith('LOAD_ENV_') && value).map(([key, value]) => [key.slice(9), value!])),
  };
  const server = await startServer(loadConfig(env));
  const ceiling = await startCeiling();
  const rows: [string, LoadResult][] = [];
  try {
    const passwordHash = await hashPassword('load-password-1');
    const tokens: string[] = [];
    for (let start = 0; start < USERS; start += 200) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(200, USERS - start) }, async (_, offset) => {
          const email = `shopper-${start + offset}@load.example`;
          const customer = await server.engine.ports.customers.create({ email, passwordHash, roles: ['USER'] });
          return (await server.auth.sessions.open(customer)).accessToken;
        }),
      );
      tokens.push(...batch);
    }
    const { createProduct, restock, placeOrder } = server.engine.useCases;
    const product = async (name: string, units: number) => {
      const created = await createProduct({ name, description: 'load', price: { amount: 1_000, currency: 'USD' }, maxQuantityPerCustomer: 0 });
      await restock({ productId: created.id, quantity: units, opId: `load:${created.id}` });
      return created;
    };
    const ordersUrl = `${server.url}/api/orders`;

    if (SCENARIOS.has('ceiling')) rows.push(['bare Hono POST (ceiling)', await fire(ceiling.url, [], { productId: 'x', quantity: 1 })]);
    if (SCENARIOS.has('accept')) {
      const drop = await product('Load drop', 1_000_000);
      const result = await fire(ordersUrl, tokens, { productId: drop.id, quantity: 1 });
      rows.push(['POST /api/orders accept (stock left)', result]);
      const snapshot = await server.engine.ports.stockGate.snapshot(drop.sku);
      const accepted = result.statuses['202'] ?? 0;
      const held = (snapshot?.held ?? 0) + (snapshot?.sold ?? 0);
      console.log(`accept check: 202s=${accepted} held+sold=${held} ${held >= accepted ? 'ok' : 'OVERSOLD/LOST'}`);
      // How long after the last accept the sagas need to move every order past PENDING (payment requested).
      const drainStarted = Date.now();
      const pending = async () => (await server.engine.ports.orders.list({ page: 1, size: 1, productId: drop.id, status: 'PENDING' })).total;
      let left = await pending();
      while (left > 0 && Date.now() - drainStarted < 120_000) {
        await new Promise((resolveWait) => setTimeout(resolveWait, 100));
        left = await pending();
      }
      console.log(`accept drain: ${left === 0 ? 'every order PAYMENT_PENDING or later' : `${left} still PENDING`} ${Date.now() - drainStarted} ms after the load stopped`);
    }
    if (SCENARIOS.has('reject')) {
      const soldOut = await product('Load sold out', 1);
      const first = await placeOrder({ customerId: 'load-first-buyer', productId: soldOut.id, quantity: 1 });
      if (!first.ok) throw new Error(`could not sell the single unit: ${first.reason}`);
      rows.push(['POST /api/orders reject (sold out)', await fire(ordersUrl, tokens, { productId: soldOut.id, quantity: 1 })]);
    }
  } finally {
    ceiling.close();
    await server.stop();
    if (databaseUrl) {
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
      for (const name of [schema, `${schema}_saga`, `${schema}_saga_boss`]) await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await pool.end();
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }

  const ceilingRps = rows.find(([name]) => name.includes('ceiling'))?.[1].rps;
  console.log(
    `\nprofile ${databaseUrl ? 'postgres (DATABASE_URL)' : 'embedded'} · ${CONNECTIONS} connections · ${DURATION_S} s each · ${USERS} shoppers · Idempotency-Key ${IDEMPOTENCY ? 'on every request' : 'off'}`,
  );
  console.log('scenario                              |    rps | ratio | p50 ms | p90 ms | p99 ms | max ms | statuses');
  for (const [name, r] of rows) {
    const ratio = ceilingRps ? `${((100 * r.rps) / ceilingRps).toFixed(1)}%` : '-';
    const statuses = Object.entries(r.statuses).map(([status, count]) => `${status}:${count}`).join(' ');
    console.log(
      `${name.padEnd(38)}| ${r.rps.toFixed(0).padStart(6)} | ${ratio.padStart(5)} | ${String(r.p50).padStart(6)} | ${String(r.p90).padStart(6)} | ${String(r.p99).padStart(6)} | ${String(r.max).padStart(6)} | ${statuses}${r.errors ? ` errors:${r.errors}` : ''}`,
    );
  }
}

await main();
