import { createPostgresPool, createPostgresSessionStore, createPostgresStores } from '@limitedcart/adapter-postgres';
import { createSessionService, createTokenService, hashPassword } from '@limitedcart/plugin-auth-jwt';
import type { ApiClient } from './api-client.js';

/** A shopper ready to buy: an account in the server's store and a valid access token for it. */
export interface Shopper {
  readonly customerId: string;
  readonly token: string;
}

export const SHOPPER_PASSWORD = 'drop-bench-shopper';

const emailOf = (tag: string, index: number) => `shopper-${index}-${tag}@drop.bench.example`;

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; results in index order. */
async function forEachLimited<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let index = next++; index < count; index = next++) results[index] = await task(index);
    }),
  );
  return results;
}

export interface SeedOptions {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly count: number;
  readonly tag: string;
  /** The server's JWT key and issuer: tokens issued here are exactly what its login would issue. */
  readonly jwtKey: string;
  readonly jwtIssuer: string;
}

/**
 * Setup, not measured: writes the accounts through the Postgres customer store (one scrypt hash shared by
 * every shopper, so each can still log in) and opens their sessions with the server's own token service and key.
 * Registering 20,000 accounts over HTTP costs two scrypt derivations each, minutes on two cores.
 */
export async function seedShoppers(options: SeedOptions): Promise<Shopper[]> {
  const pool = createPostgresPool({ databaseUrl: options.databaseUrl, schema: options.schema, max: 16 });
  const { customers, outbox } = createPostgresStores({ pool, schema: options.schema });
  // A session per shopper in the server's own session store, so its token checks accept these tokens.
  const sessions = createSessionService({
    customers,
    sessions: createPostgresSessionStore({ pool, schema: options.schema }),
    outbox,
    tokens: createTokenService({ key: options.jwtKey, algorithm: 'HS256', issuer: options.jwtIssuer, ttlSeconds: 3600 }),
    refreshTtlSeconds: 3600,
  });
  try {
    const passwordHash = await hashPassword(SHOPPER_PASSWORD);
    return await forEachLimited(options.count, 16, async (index) => {
      const customer = await customers.create({ email: emailOf(options.tag, index), passwordHash, roles: ['USER'] });
      const issued = await sessions.open(customer);
      return { customerId: customer.id, token: issued.accessToken };
    });
  } finally {
    await pool.end();
  }
}

interface LoginBody {
  accessToken: string;
  user: { id: string };
}

/** Registers and logs in every shopper over the public API, `concurrency` at a time. */
export function registerShoppers(api: ApiClient, count: number, tag: string, concurrency = 64): Promise<Shopper[]> {
  return forEachLimited(count, concurrency, async (index) => {
    const credentials = { email: emailOf(tag, index), password: SHOPPER_PASSWORD };
    await api.call('POST', '/api/auth/register', { body: credentials, expect: [201] });
    const login = await api.call<LoginBody>('POST', '/api/auth/login', { body: credentials });
    return { customerId: login.body.user.id, token: login.body.accessToken };
  });
}
