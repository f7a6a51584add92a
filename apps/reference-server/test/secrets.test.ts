import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@limitedcart/core/memory';
import { startServer } from '../src/composition/server.js';
import { loadConfig } from '../src/config.js';
import { client, startTestServer } from './support.js';

const strong = () => randomBytes(32).toString('base64url');

/** Issue 18 finding 3: the values once published in deploy/ (and typed ones) must never run a server. */
describe('the server refuses published and weak secrets', () => {
  const refused: [string, Record<string, string>, RegExp][] = [
    ['the JWT key once committed in docker-compose.yml', { JWT_KEY: 'dev-only-jwt-secret-at-least-32-bytes-long' }, /JWT_KEY: it is a published/],
    ['the webhook secret once committed in docker-compose.yml', { PAYMENT_WEBHOOK_SECRET: 'dev-only-webhook-secret' }, /PAYMENT_WEBHOOK_SECRET/],
    ['the k8s placeholder', { JWT_KEY: 'replace-me' }, /JWT_KEY: it is a published/],
    ['32 × "a"', { JWT_KEY: 'a'.repeat(32) }, /JWT_KEY: it has too little entropy/],
    ['a low-entropy key', { JWT_KEY: 'abab'.repeat(10) }, /JWT_KEY: it has too little entropy/],
    ['a short webhook secret', { PAYMENT_WEBHOOK_SECRET: 'x7Gq2pLm9vRt4wZc' }, /PAYMENT_WEBHOOK_SECRET: it is shorter than 32/],
    ['a weak metrics token', { METRICS_TOKEN: 'password' }, /METRICS_TOKEN/],
    ['a low-entropy admission token key', { ADMISSION_TOKEN_KEY: 'abab'.repeat(10) }, /ADMISSION_TOKEN_KEY: it has too little entropy/],
  ];

  it.each(refused)('production profile: %s', async (_, env, message) => {
    const error = await startTestServer('postgres', { JWT_KEY: strong(), PAYMENT_WEBHOOK_SECRET: strong(), ADMISSION_TOKEN_KEY: strong(), ...env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/refusing to start with unsafe secrets/);
    expect((error as Error).message).toMatch(message);
  });

  it('production profile without ADMISSION_TOKEN_KEY', async () => {
    const config = loadConfig({
      LIMITEDCART_PROFILE: 'production',
      DATABASE_URL: 'postgres://limitedcart@127.0.0.1:1/limitedcart',
      JWT_KEY: strong(),
      PAYMENT_WEBHOOK_SECRET: strong(),
      LOG_LEVEL: 'silent',
    });
    const error = await startServer(config, { logger: createSilentLogger() }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/needs JWT_KEY, PAYMENT_WEBHOOK_SECRET and ADMISSION_TOKEN_KEY/);
  });

  it('a DATABASE_URL with the published password', async () => {
    const error = await startTestServer('memory', { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/limitedcart' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/DATABASE_URL: its password is a published/);
  });

  it('also when set for the embedded or memory profile', async () => {
    const error = await startTestServer('memory', { JWT_KEY: 'a'.repeat(32) }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/JWT_KEY: it has too little entropy/);
  });

  it('starts with generated secrets and serves (control)', async () => {
    const server = await startTestServer('memory', { JWT_KEY: strong(), PAYMENT_WEBHOOK_SECRET: strong(), METRICS_TOKEN: strong() });
    try {
      expect((await client(server.url).get('/healthz')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

/** Issue 18 finding 16: the embedded Postgres had the superuser postgres/postgres; the demo passwords reached pod logs. */
describe('embedded profile secrets', () => {
  let dir: string;
  let dataDir: string;
  let seedOutput: string;
  const pgPort = 20_000 + Math.floor(Math.random() * 20_000);
  const env = () => ({ LIMITEDCART_PROFILE: 'embedded', LIMITEDCART_DATA_DIR: dataDir, LIMITEDCART_EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lc-embedded-secrets-'));
    await chmod(dir, 0o755);
    dataDir = join(dir, 'data');
    // The CLI as a container runs it: stdout is a pipe that ends up in the pod's log.
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@limitedcart/source', '--import', 'tsx', 'src/cli.ts', 'seed'],
      { cwd, env: { ...process.env, ...env(), DATABASE_URL: '', REDIS_URL: '', KAFKA_BROKERS: '', TEMPORAL_ADDRESS: '' } },
    );
    seedOutput = stdout;
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('never prints the demo passwords outside a terminal, and says where they are', async () => {
    const passwords = Object.values(JSON.parse(await readFile(join(dataDir, 'demo-accounts.json'), 'utf8')) as Record<string, string>);
    expect(passwords).toHaveLength(3);
    expect(seedOutput).toContain('admin@limitedcart.dev');
    for (const password of passwords) expect(seedOutput).not.toContain(password);
    expect(seedOutput).toContain(join(dataDir, 'demo-accounts.json'));
  });

  it('gives the bundled Postgres a generated password kept with the other secrets; postgres/postgres is refused', async () => {
    const secrets = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(secrets).sort()).toEqual(['admissionTokenKey', 'jwtKey', 'postgresPassword', 'webhookSecret']);
    const server = await startTestServer('memory', env());
    try {
      const connect = async (password: string) => {
        const db = new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password, database: 'postgres' });
        await db.connect();
        await db.end();
      };
      const refused = await connect('postgres').catch((error: unknown) => error);
      expect((refused as { code?: string }).code).toBe('28P01');
      await connect(secrets.postgresPassword!);
      expect((await client(server.url).get('/api/products')).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 60_000);
});
