import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger, Role } from '@limitedcart/core';
import { createSilentLogger } from '@limitedcart/core/memory';
import { hashPassword } from '@limitedcart/plugin-auth-jwt';
import pg from 'pg';
import { type RunningServer, startServer } from '../src/composition/server.js';
import { loadConfig } from '../src/config.js';

/**
 * `memory`: core's in-memory adapters (fast route tests). `postgres`: the durable composition: the production
 * profile on DATABASE_URL with a schema of its own when that is set (CI), else the embedded profile in a temp
 * folder on a free port.
 */
export type TestProfile = 'memory' | 'postgres';

export interface TestServer extends RunningServer {
  /** Stops the server and removes what the test created (schemas, temp folders). */
  close(): Promise<void>;
}

const freePort = () => 20_000 + Math.floor(Math.random() * 20_000);

export interface TestServerOptions {
  /** Leave the database schema in place on close (another replica still uses it). */
  readonly keepSchema?: boolean;
  /** Where the server logs; silent by default. */
  readonly logger?: Logger;
}

export async function startTestServer(
  profile: TestProfile,
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const base: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    RATE_LIMIT_LOGIN_PER_MINUTE: '10000',
    RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_IP: '10000',
    RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '10000',
    RATE_LIMIT_ORDERS_PER_MINUTE: '10000',
    RATE_LIMIT_ORDERS_PER_IP_PER_MINUTE: '100000',
    SHUTDOWN_GRACE_MS: '2000',
    HOLD_SWEEP_INTERVAL_MS: '200',
  };
  const cleanups: (() => Promise<void>)[] = [];
  if (profile === 'memory') {
    base.LIMITEDCART_PROFILE = 'memory';
  } else if (process.env.DATABASE_URL) {
    const schema = env.DB_SCHEMA ?? `rs_${randomBytes(5).toString('hex')}`;
    Object.assign(base, {
      LIMITEDCART_PROFILE: 'production',
      DATABASE_URL: process.env.DATABASE_URL,
      DB_SCHEMA: schema,
      DB_POOL_SIZE: '20',
      JWT_KEY: randomBytes(32).toString('hex'),
      PAYMENT_WEBHOOK_SECRET: randomBytes(24).toString('hex'),
      ADMISSION_TOKEN_KEY: randomBytes(32).toString('hex'),
    });
    if (!options.keepSchema) cleanups.push(() => dropSchemas(process.env.DATABASE_URL!, [schema, `${schema}_saga`, `${schema}_saga_boss`]));
  } else {
    if (process.env.CI) throw new Error('DATABASE_URL is required in CI for the Postgres HTTP suites');
    const dir = await mkdtemp(join(tmpdir(), 'lc-server-'));
    // As root the embedded server runs as the postgres user, which must be able to enter the folder.
    await chmod(dir, 0o755);
    Object.assign(base, {
      LIMITEDCART_PROFILE: 'embedded',
      LIMITEDCART_DATA_DIR: join(dir, 'data'),
      LIMITEDCART_EMBEDDED_PG_PORT: String(freePort()),
    });
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
  }
  const server = await startServer(loadConfig({ ...base, ...env }), { logger: options.logger ?? createSilentLogger(), heartbeatMs: 1_000 });
  return Object.assign(server, {
    async close() {
      await server.stop();
      for (const cleanup of cleanups) await cleanup();
    },
  });
}

export async function dropSchemas(databaseUrl: string, schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** Sent as is (for malformed bodies). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field.
export type Json = any;

/** A small fetch client for one server. */
export function client(baseUrl: string) {
  const call = async (method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<Json>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON (metrics, HTML): keep the text.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };
  return {
    call,
    get: (path: string, options?: RequestOptions) => call('GET', path, options),
    post: (path: string, body?: unknown, options: RequestOptions = {}) => call('POST', path, { ...options, body }),
    put: (path: string, body?: unknown, options: RequestOptions = {}) => call('PUT', path, { ...options, body }),
    patch: (path: string, body?: unknown, options: RequestOptions = {}) => call('PATCH', path, { ...options, body }),
    delete: (path: string, options?: RequestOptions) => call('DELETE', path, options),
  };
}

export type Client = ReturnType<typeof client>;

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly token: string;
  readonly roles: readonly Role[];
  readonly sessionId: string;
  readonly refreshToken: string;
}

let sharedHash: Promise<string> | undefined;

/**
 * Creates accounts directly in the store with one precomputed password hash and issues their tokens: the
 * HTTP registration path is covered by its own tests, and hashing hundreds of passwords would dominate a drop.
 */
export async function createUsers(server: RunningServer, count: number, roles: Role[] = ['USER'], prefix = 'user'): Promise<TestUser[]> {
  sharedHash ??= hashPassword('test-password-1');
  const passwordHash = await sharedHash;
  const tag = randomBytes(4).toString('hex');
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const email = `${prefix}-${tag}-${index}@example.com`;
      const customer = await server.engine.ports.customers.create({ email, passwordHash, roles });
      const { accessToken, sessionId, refreshToken } = await server.auth.sessions.open(customer);
      return { id: customer.id, email, token: accessToken, roles, sessionId, refreshToken };
    }),
  );
}

export const PASSWORD = 'test-password-1';

/** A product on sale now with `units` in stock. */
export async function createStockedProduct(
  server: RunningServer,
  { units, limit = 1, price = 5_000, name = 'Test product' }: { units: number; limit?: number; price?: number; name?: string },
) {
  const product = await server.engine.useCases.createProduct({
    name,
    description: 'for tests',
    price: { amount: price, currency: 'USD' },
    maxQuantityPerCustomer: limit,
  });
  await server.engine.useCases.restock({ productId: product.id, quantity: units, opId: `test:${product.id}` });
  return product;
}

export const VALID_CARD = { number: '4242424242424242', expMonth: 12, expYear: 2099, cvc: '123', holder: 'Test Shopper' };
export const DECLINED_CARD = { ...VALID_CARD, number: '4000000000000002' };
