import {
  definePlugin,
  defineToken,
  type FactoryDeps,
  forwardLifecycle,
  type HealthReport,
  type Lifecycle,
  type Logger,
  type Plugin,
  type ReconciliationReport,
  type StockGate,
  type StockLedgerReader,
  withLocalPriceCache,
} from '@limitedcart/core';
import { Redis } from 'ioredis';
import { createRedisAdmissionQueue } from './admission-queue.js';
import { createRedisIdempotencyFilter } from './idempotency-filter.js';
import { type RedisClient, validateKeyPrefix } from './options.js';
import { createRedisPriceCache } from './price-cache.js';
import { createRedisRateLimiter } from './rate-limiter.js';
import { createStockReconciler, type SkuDrift } from './reconciler.js';
import { createRedisStockGate } from './stock-gate.js';
import { createTieredStockGate } from './tiered-stock-gate.js';

export interface RedisPluginOptions {
  /** `redis://host:6379`; the plugin owns the client it makes. Give this or `client`. */
  readonly url?: string;
  /** A client the caller owns (and quits): standalone or Cluster. */
  readonly client?: RedisClient;
  /** Namespace of every key; one per deployment sharing a Redis. No braces or whitespace. Default `limitedcart`. */
  readonly keyPrefix?: string;
  /**
   * The stock gate: `tiered` (default) puts Redis in front of the ledger gate registered before this plugin (the
   * postgres() gate): Redis admits in one round trip, the ledger confirms, a reconciler repairs drift. `redis` makes
   * Redis the only gate (no ledger behind it). `none` leaves the gate alone.
   */
  readonly stockGate?: 'tiered' | 'redis' | 'none';
  /**
   * The tiered gate while Redis cannot be reached: `fail` (default) answers 503 at once; `ledger` lets the ledger
   * gate decide alone (exact, slower) until Redis is back and the reconciler repairs it.
   */
  readonly whenRedisDown?: 'fail' | 'ledger';
  /**
   * Keep the waiting rooms of queued drops (the `admissionQueue` port) in Redis (default true): it then replaces the
   * queue of a plugin listed before (postgres()). false leaves that one.
   */
  readonly admissionQueue?: boolean;
}

const REDIS_CLIENT = defineToken<{ readonly redis: RedisClient }>('limitedcart.redis.client');

/**
 * Redis for the hot path of a drop: the stock gate (tiered over the ledger), the price cache of the order path
 * (with a copy per process), the filter that tells new Idempotency-Keys from used ones without a database read, and
 * the rate limits, shared by every replica. The client connects when the engine starts and quits when it stops.
 *
 * ```ts
 * createEngine({ plugins: [postgres({ connectionString }), pgBoss(), redis({ url: 'redis://127.0.0.1:6379' })] });
 * ```
 */
export function redis(options: RedisPluginOptions): Plugin {
  if ((options.url === undefined) === (options.client === undefined)) throw new TypeError('redis(): give url or client');
  const keyPrefix = validateKeyPrefix(options.keyPrefix ?? 'limitedcart');
  const gateMode = options.stockGate ?? 'tiered';
  return definePlugin({
    name: 'redis',
    setup(ctx) {
      ctx.register(REDIS_CLIENT, { useFactory: ({ ports }) => clientLifecycle(options, ports.logger) });
      const connection = (resolve: <T>(token: symbol) => T) => ({ redis: resolve<{ redis: RedisClient }>(REDIS_CLIENT).redis, keyPrefix });
      if (gateMode === 'redis') {
        ctx.provide({ stockGate: { useFactory: ({ resolve }) => createRedisStockGate(connection(resolve)) } });
      } else if (gateMode === 'tiered') {
        ctx.decorate('stockGate', (ledger, { resolve, ports }) =>
          tieredGate(createRedisStockGate(connection(resolve)), ledger, ports.logger, options.whenRedisDown ?? 'fail'),
        );
      }
      ctx.provide({
        // Every replica applies catalogue events to its own copy (the engine's per-process catalogue subscription).
        priceCache: { useFactory: ({ resolve }) => withLocalPriceCache(createRedisPriceCache(connection(resolve))) },
        rateLimiter: { useFactory: ({ resolve }) => createRedisRateLimiter(connection(resolve)) },
        ...(options.admissionQueue !== false && {
          admissionQueue: { useFactory: ({ resolve }: FactoryDeps) => createRedisAdmissionQueue(connection(resolve)) },
        }),
      });
      // New Idempotency-Keys (nearly all of them) are told apart from used ones in Redis, not in the store behind.
      ctx.decorate('idempotency', (store, { resolve }) => forwardLifecycle(createRedisIdempotencyFilter({ ...connection(resolve), store }), store));
    },
  });
}

/** The client, with the lifecycle the engine drives: connected at start, quit at stop (when the plugin made it). */
function clientLifecycle(options: RedisPluginOptions, logger: Logger): { readonly redis: RedisClient } & Lifecycle {
  const owned = options.client === undefined;
  // Auto-pipelining sends the commands issued in one event-loop turn (rate limits, price reads, gate scripts of
  // concurrent requests) in one write, which is most of the client's cost under a drop.
  // No offline queue: while the connection is down a command fails at once (a 503, or the ledger with
  // whenRedisDown: 'ledger') instead of waiting through reconnection attempts; the client keeps reconnecting.
  const redis =
    options.client ?? new Redis(options.url!, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true });
  if (owned) redis.on('error', (error: Error) => logger.warn('redis connection error', { error: error.message }));
  return {
    redis,
    async open() {
      // A Redis the engine cannot reach fails the start rather than the first order.
      if (owned && redis.status === 'wait') await redis.connect();
      await redis.ping();
    },
    async close() {
      if (!owned || redis.status === 'end') return;
      await redis.quit().catch(() => redis.disconnect());
    },
    async health(): Promise<HealthReport> {
      return { name: 'redis', ok: (await redis.ping()) === 'PONG' };
    },
  };
}

const isLedgerReader = (gate: StockGate): gate is StockGate & StockLedgerReader =>
  typeof (gate as Partial<StockLedgerReader>).readSku === 'function';

/** Redis in front of `ledger`, with the reconciler that compares and repairs the tiers. */
function tieredGate(
  admit: ReturnType<typeof createRedisStockGate>,
  ledger: StockGate,
  logger: Logger,
  whenAdmitDown: 'fail' | 'ledger',
): StockGate {
  if (!isLedgerReader(ledger)) {
    throw new TypeError("redis(): the tiered gate needs a ledger it can read (a StockLedgerReader such as postgres()'s gate) registered before it; or use stockGate: 'redis'");
  }
  const reconciler = createStockReconciler({ admit, ledger, logger });
  const tiered = createTieredStockGate({
    admit,
    ledger,
    logger,
    whenAdmitDown,
    onDrift: (signal) => {
      if (signal.sku !== undefined) void reconciler.scheduleRepair(signal.sku);
    },
  });
  const report = (drifts: readonly SkuDrift[]): ReconciliationReport => ({
    mode: 'tiered',
    inSync: drifts.every((drift) => drift.inSync),
    skus: drifts.map((drift) => ({ ...drift, holdMismatches: drift.holdMismatches.length })),
  });
  return forwardLifecycle(
    {
      ...tiered,
      reconcile: async (skus, { repair }) => report(await (repair ? reconciler.repair(skus) : reconciler.report(skus))),
    },
    ledger,
  );
}
