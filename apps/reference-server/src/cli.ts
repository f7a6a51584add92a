#!/usr/bin/env node
import { resolve } from 'node:path';
import { migrateSagaSchema } from '@limitedcart/adapter-pg-boss';
import { createPostgresPool, migrate, startEmbeddedPostgres } from '@limitedcart/adapter-postgres';
import { embeddedPostgresOptions } from './composition/plugins.js';
import { loadOrCreateSecrets } from './composition/secrets.js';
import { startServer, type RunningServer } from './composition/server.js';
import { loadConfig, profileOf, type ServerConfig } from './config.js';
import type { SeedResult } from './seed.js';

const HELP = `limitedcart — the LimitedCart reference server

Usage: limitedcart <command>

Commands:
  start     Serve the API (and run workers and the relay, per LIMITEDCART_ROLES; default all three)
  worker    Run sagas, subscriptions and the expiry sweep only (LIMITEDCART_ROLES=worker); serves /healthz,
            /readyz and /metrics for probes
  migrate   Apply database migrations (DATABASE_URL, or the embedded Postgres) and exit
  seed      Create the demo catalogue and accounts (idempotent) and exit
  --help    Show this help

Without DATABASE_URL the embedded profile runs a bundled Postgres with its data in LIMITEDCART_DATA_DIR
(default .limitedcart). Every setting is an environment variable; see the README's configuration table.
`;

/**
 * The demo accounts. Passwords are shown only on a terminal: a container's stdout is a log that is collected,
 * shipped and kept (`kubectl logs` of the embedded overlay), so there the output says where they are kept instead.
 */
function printSeed(seed: SeedResult | null, url: string, passwordsFile: string | null): void {
  if (seed === null) return;
  const showPasswords = process.stdout.isTTY === true;
  const lines = seed.accounts.map((account) => {
    const password = showPasswords ? (account.password ?? '(set on an earlier start)') : '';
    return `  ${account.roles.join(',').padEnd(10)} ${account.email.padEnd(28)} ${password}`.trimEnd();
  });
  const where = showPasswords
    ? ''
    : passwordsFile === null
      ? 'Passwords are not printed outside a terminal.\n'
      : `Passwords are not printed outside a terminal; they are in ${passwordsFile} (mode 0600).\n`;
  process.stdout.write(
    `\nLimitedCart is running at ${url}  (API docs: ${url}/api/docs)\nDemo accounts:\n${lines.join('\n')}\n${where}` +
      `The drop (product ${seed.dropProductId}) is on sale from its saleStartsAt.\n\n`,
  );
}

const demoPasswordsFile = (server: RunningServer): string | null =>
  server.profile === 'production' ? null : resolve(server.config.LIMITEDCART_DATA_DIR, 'demo-accounts.json');

/** Stops gracefully on the first SIGTERM/SIGINT; a second signal exits at once. */
function stopOnSignals(server: RunningServer): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`${signal}: shutting down\n`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function runMigrations(config: ServerConfig): Promise<void> {
  const profile = profileOf(config);
  if (profile === 'memory') throw new Error('the memory profile has no database to migrate');
  const embedded =
    profile === 'embedded'
      ? await startEmbeddedPostgres(
          embeddedPostgresOptions(config, (await loadOrCreateSecrets(resolve(config.LIMITEDCART_DATA_DIR), { jwtKey: config.JWT_KEY, webhookSecret: config.PAYMENT_WEBHOOK_SECRET })).postgresPassword),
        )
      : null;
  const databaseUrl = embedded?.url ?? config.DATABASE_URL;
  if (databaseUrl === undefined) throw new Error('the production profile needs DATABASE_URL');
  // The adapter's pool: a connection Postgres ends fails the migration with an error instead of killing the process.
  const pool = createPostgresPool({ databaseUrl, schema: config.DB_SCHEMA, max: 2 });
  try {
    const result = await migrate({ pool, schema: config.DB_SCHEMA });
    await migrateSagaSchema(pool, `${config.DB_SCHEMA}_saga`);
    process.stdout.write(`migrated schema ${config.DB_SCHEMA}: ${result.applied.length} applied (${result.applied.join(', ') || 'up to date'})\n`);
  } finally {
    await pool.end();
    await embedded?.stop();
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const command = argv[0];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return;
  }
  switch (command) {
    case 'start': {
      const server = await startServer(loadConfig());
      stopOnSignals(server);
      printSeed(server.seed, server.url, demoPasswordsFile(server));
      return;
    }
    case 'worker': {
      const server = await startServer(loadConfig({ ...process.env, LIMITEDCART_ROLES: 'worker' }));
      stopOnSignals(server);
      return;
    }
    case 'migrate':
      await runMigrations(loadConfig());
      return;
    case 'seed': {
      const server = await startServer(loadConfig({ ...process.env, SEED_DEMO: 'true', PORT: '0', LIMITEDCART_ROLES: 'api' }));
      printSeed(server.seed, server.url, demoPasswordsFile(server));
      await server.stop();
      return;
    }
    default:
      process.stderr.write(`unknown command: ${command}\n\n${HELP}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
