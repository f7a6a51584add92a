import { createPostgresStockGate, migrate } from '@limitedcart/adapter-postgres';
import { createRedisStockGate, createTieredStockGate, type DriftSignal } from '@limitedcart/adapter-redis';
import type { StockGate, StockSnapshot } from '@limitedcart/core';
import { createConsoleLogger, createMemoryStockGate } from '@limitedcart/core/memory';
import { Redis } from 'ioredis';
import pg from 'pg';
import { services } from '../lib/environment.js';

export const GATE_ADAPTERS = ['memory', 'postgres', 'redis', 'tiered'] as const;
export type GateAdapter = (typeof GATE_ADAPTERS)[number];

/** A gate under test, with what it takes to inspect and tear it down. */
export interface GateTarget {
  readonly adapter: GateAdapter;
  /** One line saying what exactly is measured (pool size, connections). */
  readonly setup: string;
  readonly gate: StockGate;
  /**
   * Extra snapshots that must agree with `gate.snapshot` (the tiered gate's admit tier must mirror its ledger).
   */
  readonly mirrors: readonly { readonly name: string; snapshot(sku: string): Promise<StockSnapshot | null> }[];
  /** Disagreements the gate reported while running (tiered gate only). */
  readonly drift: readonly DriftSignal[];
  /** Removes this run's data and closes every connection. */
  close(): Promise<void>;
}

/** Postgres pool size of the benchmark, as the issue asks: the hot row is contended by 20 connections. */
export const POSTGRES_POOL_SIZE = 20;

interface Resource {
  readonly describe: string;
  close(): Promise<void>;
}

async function openPostgres(tag: string): Promise<Resource & { readonly pool: pg.Pool; readonly schema: string }> {
  const schema = `lc_bench_${tag}`;
  const pool = new pg.Pool({ connectionString: services.databaseUrl, max: POSTGRES_POOL_SIZE });
  pool.on('error', () => {});
  try {
    await migrate({ pool, schema });
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    pool,
    schema,
    describe: `pool ${POSTGRES_POOL_SIZE}, schema ${schema}`,
    async close() {
      try {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}

async function openRedis(tag: string): Promise<Resource & { readonly redis: Redis; readonly keyPrefix: string }> {
  const keyPrefix = `lc-bench-${tag}`;
  const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: 3 });
  await redis.ping();
  return {
    redis,
    keyPrefix,
    describe: `1 ioredis connection, prefix ${keyPrefix}`,
    async close() {
      try {
        // Every key of the gate contains the prefix (inside a hash tag or at the start); the tag is unique to the run.
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `*${keyPrefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.unlink(...keys);
        } while (cursor !== '0');
      } finally {
        await redis.quit();
      }
    },
  };
}

const closeAll = async (resources: readonly Resource[]): Promise<void> => {
  const results = await Promise.allSettled([...resources].reverse().map((resource) => resource.close()));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
};

/** Opens the adapter's gate on fresh data: a new schema, a new key prefix. */
export async function openGateTarget(adapter: GateAdapter, tag: string): Promise<GateTarget> {
  const base = { adapter, mirrors: [], drift: [] };
  switch (adapter) {
    case 'memory':
      return { ...base, setup: 'in-process', gate: createMemoryStockGate(), close: async () => {} };
    case 'postgres': {
      const db = await openPostgres(`${tag}_pg`);
      return { ...base, setup: db.describe, gate: createPostgresStockGate({ pool: db.pool, schema: db.schema }), close: () => db.close() };
    }
    case 'redis': {
      const redis = await openRedis(`${tag}-redis`);
      const gate = createRedisStockGate({ redis: redis.redis, keyPrefix: redis.keyPrefix });
      return { ...base, setup: redis.describe, gate, close: () => redis.close() };
    }
    case 'tiered': {
      const db = await openPostgres(`${tag}_tiered`);
      let redis: Awaited<ReturnType<typeof openRedis>>;
      try {
        redis = await openRedis(`${tag}-tiered`);
      } catch (error) {
        await db.close();
        throw error;
      }
      const admit = createRedisStockGate({ redis: redis.redis, keyPrefix: redis.keyPrefix });
      const ledger = createPostgresStockGate({ pool: db.pool, schema: db.schema });
      const drift: DriftSignal[] = [];
      const gate = createTieredStockGate({
        admit,
        ledger,
        logger: createConsoleLogger({ level: 'warn' }),
        onDrift: (signal) => drift.push(signal),
      });
      return {
        adapter,
        setup: `redis admits (${redis.describe}), postgres confirms (${db.describe})`,
        gate,
        mirrors: [{ name: 'redis admit tier', snapshot: (sku) => admit.snapshot(sku) }],
        drift,
        close: () => closeAll([db, redis]),
      };
    }
  }
}
