import { createPostgresLedgerReader, type PostgresStockGate } from '@limitedcart/adapter-postgres';
import {
  createRedisIdempotencyFilter,
  createRedisPriceCache,
  createRedisRateLimiter,
  createRedisStockGate,
  createStockReconciler,
  createTieredStockGate,
} from '@limitedcart/adapter-redis';
import { definePlugin, type IdempotencyStore, type Logger, withLocalPriceCache, withSoldOutCache } from '@limitedcart/core';
import { Redis } from 'ioredis';
import type pg from 'pg';
import type { ServerConfig } from '../config.js';
import { type Closers, type Infrastructure, SOLD_OUT_CACHE_MS } from './infrastructure.js';

/**
 * Adds Redis in front of Postgres: the tiered gate (Redis admits, the Postgres ledger confirms) with its
 * reconciler repairing drift, the price cache of the order path (with a copy per process), the filter that
 * tells new Idempotency-Keys from used ones, and rate limits shared by every replica.
 */
export function withRedis(
  base: Infrastructure,
  config: ServerConfig,
  logger: Logger,
  {
    pool,
    ledgerGate,
    idempotency,
    closers,
  }: { pool: pg.Pool; ledgerGate: PostgresStockGate; idempotency: IdempotencyStore; closers: Closers },
): Infrastructure {
  // Auto-pipelining sends the commands issued in one event-loop tick (rate limits, price reads, gate scripts of
  // concurrent requests) in one write, which is most of the Redis client's cost under a drop.
  const redis = new Redis(config.REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true });
  redis.on('error', (error) => logger.warn('redis connection error', { error: error.message }));
  closers.add('redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  const keyPrefix = `limitedcart:${config.DB_SCHEMA}`;
  const admit = createRedisStockGate({ redis, keyPrefix });
  const reconciler = createStockReconciler({ admit, ledger: createPostgresLedgerReader({ pool, schema: config.DB_SCHEMA }), logger });
  const tieredGate = createTieredStockGate({
    admit,
    ledger: ledgerGate,
    logger,
    onDrift: (signal) => {
      if (signal.sku !== undefined) void reconciler.scheduleRepair(signal.sku);
    },
  });
  // Redis answers a sold-out SKU in one round trip; this process repeats that answer from memory (see
  // SOLD_OUT_CACHE_MS), so the reject path of a drop asks nobody.
  const stockGate = withSoldOutCache(tieredGate, { ttlMs: SOLD_OUT_CACHE_MS });

  const redisPlugin = definePlugin({
    name: 'reference-server.redis',
    setup(ctx) {
      ctx.health('redis', async () => ({ ok: (await redis.ping()) === 'PONG' }));
    },
  });

  return {
    ...base,
    adapters: {
      ...base.adapters,
      stockGate,
      // Every replica applies catalogue events to its own copy (live updates), as with the in-memory cache.
      priceCache: withLocalPriceCache(createRedisPriceCache({ redis, keyPrefix })),
      // New Idempotency-Keys (nearly all of them) are told apart from used ones in Redis, not Postgres.
      idempotency: createRedisIdempotencyFilter({ redis, keyPrefix, store: idempotency }),
    },
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
