import { createOrderSagaActivities, definePlugin, defineToken, type Plugin } from '@limitedcart/core';
import type pg from 'pg';
import type { PgBossRetryOptions, PgBossTuning } from './options.js';
import { createPgBossSagaRunner } from './runner.js';

export interface PgBossPluginOptions {
  /** A database for the saga tables and pg-boss. Without it (and without `pool`) the postgres() plugin's pool is used. */
  readonly connectionString?: string;
  /** A pool the caller owns. */
  readonly pool?: pg.Pool;
  /** Schema of the saga tables (pg-boss uses `<schema>_boss`). Default: the postgres() plugin's schema + `_saga`, else `limitedcart_saga`. */
  readonly schema?: string;
  readonly retry?: Partial<PgBossRetryOptions>;
  readonly tuning?: Partial<PgBossTuning>;
}

/**
 * What `@limitedcart/adapter-postgres` registers (`POSTGRES_CONNECTION`), by the token's global name: this package
 * needs only the pool and schema, not the adapter itself.
 */
const POSTGRES_CONNECTION = defineToken<{ readonly pool: pg.Pool; readonly schema: string }>('limitedcart.postgres.connection');

/**
 * Sagas on pg-boss: the engine's `sagaRunner`. Every process starts, signals and describes sagas; processes with the
 * `worker` role also execute them (and resume those that were running when the last worker stopped). The runner
 * opens, closes and reports health with the engine.
 *
 * ```ts
 * createEngine({ plugins: [postgres({ connectionString }), pgBoss()] });
 * ```
 */
export function pgBoss(options: PgBossPluginOptions = {}): Plugin {
  if (options.connectionString !== undefined && options.pool !== undefined) {
    throw new TypeError('pgBoss(): give connectionString or pool, not both');
  }
  return definePlugin({
    name: 'pg-boss',
    setup(ctx) {
      const worker = ctx.config.roles.includes('worker');
      ctx.provide({
        sagaRunner: {
          useFactory: ({ ports, resolve }) => {
            const shared = options.connectionString === undefined && options.pool === undefined ? resolve(POSTGRES_CONNECTION) : undefined;
            const connection = options.connectionString !== undefined ? { connectionString: options.connectionString } : { pool: (options.pool ?? shared?.pool)! };
            return createPgBossSagaRunner({
              ...connection,
              schema: options.schema ?? (shared ? `${shared.schema}_saga` : undefined),
              activities: createOrderSagaActivities(ports),
              worker,
              logger: ports.logger.child({ component: 'pg-boss' }),
              ...(options.retry === undefined ? {} : { retry: options.retry }),
              ...(options.tuning === undefined ? {} : { tuning: options.tuning }),
            });
          },
        },
      });
    },
  });
}
