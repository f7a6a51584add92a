import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createEngine, type Engine, isLimitedCartError, money } from '@limitedcart/core';
import { createSilentLogger } from '@limitedcart/core/memory';
import { postgres } from '@limitedcart/adapter-postgres';
import { waitFor } from '@limitedcart/core/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { redis } from '../src/index.js';
import { createLedgerDatabase, databaseUrl, type LedgerDatabase } from './postgres-env.js';
import { redisUrl } from './redis-env.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** A Redis of this test's own, so killing it touches nobody else. */
async function privateRedis(): Promise<{ url: string; kill(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    },
    { timeoutMs: 10_000, message: `redis-server on ${port}` },
  );
  return {
    url,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe.skipIf(redisUrl === undefined || databaseUrl === undefined)('the tiered gate while Redis is down', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const drop = async (whenRedisDown: 'fail' | 'ledger'): Promise<{ engine: Engine; productId: string; kill(): Promise<void> }> => {
    const ledger: LedgerDatabase = await createLedgerDatabase('down');
    cleanups.push(() => ledger.drop());
    const server = await privateRedis();
    cleanups.push(() => server.kill());
    const engine = createEngine({
      plugins: [postgres({ pool: ledger.pool, schema: ledger.schema }), redis({ url: server.url, keyPrefix: 'down', whenRedisDown })],
      adapters: { logger: createSilentLogger() },
      config: { soldOutCacheMs: 0 },
    });
    await engine.start();
    cleanups.push(() => engine.stop().catch(() => undefined));
    const product = await engine.useCases.createProduct({ name: 'Down', price: money(100), maxQuantityPerCustomer: 0 });
    await engine.useCases.restock({ productId: product.id, quantity: 10, opId: 'down' });
    expect((await engine.useCases.placeOrder({ customerId: 'before', productId: product.id, quantity: 1 })).ok).toBe(true);
    return { engine, productId: product.id, kill: () => server.kill() };
  };

  it('refuses at once with INFRASTRUCTURE (fail, the default): no shopper waits through reconnection attempts', async () => {
    const { engine, productId, kill } = await drop('fail');
    await kill();
    const started = Date.now();
    const error = await engine.useCases.placeOrder({ customerId: 'during', productId, quantity: 1 }).catch((caught: unknown) => caught);
    expect(isLimitedCartError(error, 'INFRASTRUCTURE'), String(error)).toBe(true);
    expect(Date.now() - started, 'ms until the refusal').toBeLessThan(1_000);
    expect((await engine.health()).ok, 'readiness shows Redis down').toBe(false);
  });

  it('lets the ledger decide alone with whenRedisDown: ledger, exactly', async () => {
    const { engine, productId, kill } = await drop('ledger');
    await kill();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => engine.useCases.placeOrder({ customerId: `during-${i}`, productId, quantity: 1 })),
    );
    expect(results.filter((result) => result.ok), 'the 9 units left, no more').toHaveLength(9);
    expect(await engine.ports.stockGate.snapshot((await engine.ports.products.get(productId))!.sku)).toMatchObject({ available: 0, held: 10 });
  });
});
