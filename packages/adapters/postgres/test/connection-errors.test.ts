import { isLimitedCartError } from '@limitedcart/core';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresPool } from '../src/index.js';
import { onClient, query } from '../src/sql.js';
import { DATABASE_URL, hasDatabase } from './support.js';

/**
 * A connection Postgres ends while a client is checked out and idle (57P01 on a restart) emits 'error' on that
 * client after pg-pool has taken its own listener off; with nobody listening, Node would end the process. These
 * cases end such connections on purpose: an unguarded client fails the run with an uncaught error.
 */
describe.skipIf(!hasDatabase)('connections the server ends under a checked-out client', () => {
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  admin.on('error', () => {});

  afterAll(async () => {
    await admin.end();
  });

  /** Has the server end the client's connection and waits until the client has seen it end. */
  const terminate = async (client: pg.ClientBase): Promise<void> => {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // Not events.once: it listens for 'error' too, which would hide exactly the fault under test.
    const ended = new Promise<void>((resolve) => client.on('end', () => resolve()));
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await ended;
  };

  it('createPostgresPool: the process survives, the fault is reported, the pool serves again', async () => {
    const heard: Error[] = [];
    const pool = createPostgresPool({ databaseUrl: DATABASE_URL!, max: 1, onConnectionError: (error) => heard.push(error) });
    try {
      const client = await pool.connect();
      await terminate(client);
      expect((heard[0] as Error & { code?: string })?.code).toBe('57P01');
      client.release(heard[0]);
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  }, 10_000);

  it("a caller's pool: work on a client the adapter checked out fails with INFRASTRUCTURE, and the pool serves again", async () => {
    // A pool the adapter did not create: only its checkouts are the adapter's to guard.
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    pool.on('error', () => {});
    try {
      const failure = await onClient(pool, 'test work', async (client) => {
        await terminate(client);
        await query(client, 'after the cut', 'SELECT 1');
      }).catch((error: unknown) => error);
      expect(isLimitedCartError(failure, 'INFRASTRUCTURE'), String(failure)).toBe(true);
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  }, 10_000);
});
