import { pgBoss } from '@limitedcart/adapter-pg-boss';
import { postgres } from '@limitedcart/adapter-postgres';
import { redis } from '@limitedcart/adapter-redis';
import { createEngine, type Engine, type EngineOptions } from '@limitedcart/core';

export interface DropEngineOptions {
  readonly databaseUrl: string;
  /** Redis in front of the Postgres ledger, when there is one: the drop's hot path then asks Redis first. */
  readonly redisUrl?: string;
  /** Postgres schema and Redis key prefix of this shop. */
  readonly schema?: string;
  readonly config?: EngineOptions['config'];
  readonly adapters?: EngineOptions['adapters'];
}

/**
 * The durable engine: orders, payments and the outbox in Postgres, sagas on pg-boss, the tiered stock gate on
 * Redis. Every plugin opens what it owns when the engine starts and closes it when the engine stops.
 */
export const createDropEngine = ({ databaseUrl, redisUrl, schema = 'acme_shop', ...rest }: DropEngineOptions): Engine =>
  createEngine({
    plugins: [
      postgres({ connectionString: databaseUrl, schema }),
      pgBoss(),
      ...(redisUrl === undefined ? [] : [redis({ url: redisUrl, keyPrefix: schema })]),
    ],
    ...rest,
  });
