import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { DropProfile } from './options.js';
import { preloadStatements } from './statements.js';

/** Where the external services are (the machine's defaults when the environment does not say). */
export const SERVICES = {
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres:limitedcart@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  temporalAddress: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
} as const;

/** Variables of the surrounding environment that would change the server's profile: never inherited. */
const PROFILE_KEYS = ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'TEMPORAL_ADDRESS', 'LIMITEDCART_PROFILE', 'LIMITEDCART_ROLES'];

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/** Everything one run of the server is configured with; fresh names per run so runs never share data. */
export interface ServerSetup {
  readonly env: Record<string, string | undefined>;
  readonly schema: string;
  readonly jwtKey: string;
  readonly jwtIssuer: string;
  readonly adminEmail: string;
  readonly adminPassword: string;
  /** Where the shopper seed writes customers. */
  readonly databaseUrl: string;
  /** The embedded profile's data folder (removed afterwards unless kept). */
  readonly dataDir: string | null;
  /** Redis key prefix of the run, when the profile uses Redis. */
  readonly redisPrefix: string | null;
}

const secret = () => randomBytes(48).toString('base64url');

export async function serverSetup(
  profile: DropProfile,
  { tag, runDir, logLevel, statements = false }: { tag: string; runDir: string; logLevel: string; statements?: boolean },
): Promise<ServerSetup> {
  const schema = `drop_${tag}`;
  const jwtKey = secret();
  const adminEmail = `admin-${tag}@drop.bench.example`;
  const adminPassword = secret();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !PROFILE_KEYS.includes(key)));
  const env: Record<string, string | undefined> = {
    ...inherited,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    LOG_LEVEL: logLevel,
    DB_SCHEMA: schema,
    JWT_KEY: jwtKey,
    PAYMENT_WEBHOOK_SECRET: secret(),
    ADMISSION_TOKEN_KEY: secret(),
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    SEED_DEMO: 'false',
    // Shoppers come from many addresses through a load balancer: the load generator sends each shopper's own
    // X-Forwarded-For, so per-IP and per-customer order limits stay at their defaults and apply as in production.
    TRUST_PROXY: 'true',
    // Only `--setup http` logs in thousands of shoppers, all from this machine.
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000000',
    RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_IP: '1000000000',
    RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '1000000000',
    // A run outlasts the default 5-minute access token, and the load generator does not refresh.
    ACCESS_TOKEN_TTL_SECONDS: '3600',
  };
  const common = { env, schema, jwtKey, jwtIssuer: 'limitedcart', adminEmail, adminPassword };
  if (profile === 'embedded') {
    const dataDir = `${runDir}/data`;
    const pgPort = await freePort();
    Object.assign(env, { LIMITEDCART_PROFILE: 'embedded', LIMITEDCART_DATA_DIR: dataDir, LIMITEDCART_EMBEDDED_PG_PORT: String(pgPort) });
    // The server keeps the embedded Postgres password it generates in the data dir; generated here first, the run
    // knows it up front (the server reuses it) and the shopper seed can reach the database directly.
    const { loadOrCreateSecrets } = await import('@limitedcart/reference-server');
    const { postgresPassword } = await loadOrCreateSecrets(dataDir, { jwtKey, webhookSecret: env.PAYMENT_WEBHOOK_SECRET });
    if (statements) await preloadStatements(dataDir, postgresPassword);
    return {
      ...common,
      databaseUrl: `postgres://postgres:${encodeURIComponent(postgresPassword)}@127.0.0.1:${pgPort}/postgres`,
      dataDir,
      redisPrefix: null,
    };
  }
  Object.assign(env, { LIMITEDCART_PROFILE: 'production', DATABASE_URL: SERVICES.databaseUrl, REDIS_URL: SERVICES.redisUrl });
  if (profile === 'distributed') {
    // Kafka topics are prefixed with the schema already; the Temporal task queue must be the run's own too, or
    // another deployment's worker on the same namespace picks up this run's sagas (and fails: no such order).
    Object.assign(env, { KAFKA_BROKERS: SERVICES.kafkaBrokers, TEMPORAL_ADDRESS: SERVICES.temporalAddress, TEMPORAL_TASK_QUEUE: `drop-${tag}` });
  }
  return {
    ...common,
    databaseUrl: SERVICES.databaseUrl,
    dataDir: null,
    redisPrefix: `limitedcart:${schema}`,
  };
}

/** Removes what the run created: the embedded data folder, or the schemas and Redis keys of the run. */
export async function cleanUp(setup: ServerSetup, runDir: string): Promise<void> {
  if (setup.dataDir === null) {
    const client = new pg.Client({ connectionString: setup.databaseUrl });
    await client.connect();
    try {
      // The run's schema and every schema derived from it (`_saga`, pg-boss's `_saga_boss`).
      const { rows } = await client.query<{ name: string }>(
        `SELECT nspname AS name FROM pg_namespace WHERE nspname = $1 OR starts_with(nspname, $1 || '_')`,
        [setup.schema],
      );
      for (const { name } of rows) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    } finally {
      await client.end();
    }
  }
  if (setup.redisPrefix !== null) {
    const redis = new Redis(SERVICES.redisUrl, { lazyConnect: true });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${setup.redisPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
  await rm(runDir, { recursive: true, force: true });
}
