import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLimitedCartError } from '@limitedcart/core';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../src/index.js';

/** A port nobody listens on right now. */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const queryOnce = async (url: string, sql: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
};

describe('startEmbeddedPostgres', () => {
  // A 0755 parent: as root the server runs as the postgres user, which must traverse every parent folder.
  const parent = join(tmpdir(), `limitedcart-embedded-${randomBytes(4).toString('hex')}`);
  const dataDir = join(parent, 'data');
  let running: EmbeddedPostgresHandle | undefined;

  afterAll(async () => {
    await running?.stop();
    await rm(parent, { recursive: true, force: true });
  });

  it('initialises a data folder, stops cleanly and reuses the data on the next start', { timeout: 120_000 }, async () => {
    await mkdir(parent, { recursive: true });
    await chmod(parent, 0o755);
    const port = await freePort();

    running = await startEmbeddedPostgres({ dataDir, port, password: 'secret' });
    expect(running.initialised).toBe(true);
    await queryOnce(running.url, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
    await running.stop();
    running = undefined;

    running = await startEmbeddedPostgres({ dataDir, port, password: 'secret' });
    expect(running.initialised).toBe(false);
    expect(await queryOnce(running.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    await running.stop();
    running = undefined;
  });

  it('moves a data folder made with the old default password to the configured one', { timeout: 120_000 }, async () => {
    await mkdir(parent, { recursive: true });
    await chmod(parent, 0o755);
    const legacyDir = join(parent, 'legacy');
    const port = await freePort();
    // A folder initialised before passwords were generated: the superuser's password is the default `postgres`.
    running = await startEmbeddedPostgres({ dataDir: legacyDir, port });
    await running.stop();

    const generated = randomBytes(24).toString('base64url');
    running = await startEmbeddedPostgres({ dataDir: legacyDir, port, password: generated, previousPassword: 'postgres' });
    expect(running.initialised).toBe(false);
    expect(await queryOnce(running.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    const oldUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    const refused = await queryOnce(oldUrl, 'SELECT 1').catch((error: unknown) => error);
    expect((refused as { code?: string }).code).toBe('28P01');
    await running.stop();

    // The next start finds the configured password already in place.
    running = await startEmbeddedPostgres({ dataDir: legacyDir, port, password: generated, previousPassword: 'postgres' });
    expect(await queryOnce(running.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await running.stop();
    running = undefined;
  });

  it('refuses a port that is already in use with a clear INFRASTRUCTURE error', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => {
        const address = blocker.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      }),
    );
    try {
      const error = await startEmbeddedPostgres({ dataDir: join(parent, 'other'), port }).catch((e: unknown) => e);
      expect(isLimitedCartError(error, 'INFRASTRUCTURE')).toBe(true);
      expect((error as Error).message).toMatch(/already in use/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
