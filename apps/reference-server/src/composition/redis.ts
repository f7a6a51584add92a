import { createPostgresLedgerReader, type PostgresStockGate } from '@limitedcart/adapter-postgres';
import {
  createRedisPriceCache,
  createRedisRateLimiter,
  createRedisStockGate,
  createStockReconciler,
  createTieredStockGate,
} from '@limitedcart/adapter-redis';
import { definePlugin, type Logger } from '@limitedcart/core';
import { Redis } from 'ioredis';
import type pg from 'pg';
import type { ServerConfig } from '../config.js';
import type { Closers, Infrastructure } from './infrastructure.js';

/**
 * Adds Redis in front of Postgres: the tiered gate (Redis admits, the Postgres ledger confirms) with its
 * reconciler repairing drift, the price cache of the order path, and rate limits shared by every replica.
 */
export function withRedis(
  base: Infrastructure,
  config: ServerConfig,
  logger: Logger,
  { pool, ledgerGate, closers }: { pool: pg.Pool; ledgerGate: PostgresStockGate; closers: Closers },
): Infrastructure {
  const redis = new Redis(config.REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', (error) => logger.warn('redis connection error', { error: error.message }));
  closers.add('redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  const keyPrefix = `limitedcart:${config.DB_SCHEMA}`;
  const admit = createRedisStockGate({ redis, keyPrefix });
  const reconciler = createStockReconciler({ admit, ledger: createPostgresLedgerReader({ pool, schema: config.DB_SCHEMA }), logger });
  const stockGate = createTieredStockGate({
    admit,
    ledger: ledgerGate,
    logger,
    onDrift: (signal) => {
      if (signal.sku !== undefined) void reconciler.scheduleRepair(signal.sku);
    },
  });

  const redisPlugin = definePlugin({
    name: 'reference-server.redis',
    setup(ctx) {
      ctx.health('redis', async () => ({ ok: (await redis.ping()) === 'PONG' }));
    },
  });

  return {
    ...base,
    adapters: { ...base.adapters, stockGate, priceCache: createRedisPriceCache({ redis, keyPrefix }) },
    plugins: [...base.plugins, redisPlugin],
    rateLimiter: createRedisRateLimiter({ redis, keyPrefix }),
    reconciliation: () => ({
      report: async (skus) => tieredReport(await reconciler.report(skus)),
      repair: async (skus) => tieredReport(await reconciler.repair(skus)),
    }),
    summary: { ...base.summary, stockGate: 'redis admit + postgres ledger', priceCache: 'redis', rateLimits: 'redis' },
  };
}

const tieredReport = (drifts: Awaited<ReturnType<ReturnType<typeof createStockReconciler>['report']>>) => ({
  mode: 'tiered' as const,
  inSync: drifts.every((drift) => drift.inSync),
  skus: drifts.map((drift) => ({
    sku: drift.sku,
    inSync: drift.inSync,
    ledger: drift.ledger,
    admit: drift.admit,
    delta: drift.delta,
    holdMismatches: drift.holdMismatches.length,
  })),
});
