import { serve } from '@hono/node-server';
import { isLimitedCartError, money } from '@limitedcart/core';
import { createShopApp } from './app.js';
import { createDropEngine } from './engine.js';

/**
 * Runs the example on Postgres (and Redis when REDIS_URL is set): one product with 20 units, two API keys.
 *
 *   DATABASE_URL=postgres://… node --conditions=@limitedcart/source --import tsx examples/embed-in-hono/src/main.ts
 */
const databaseUrl = process.env.DATABASE_URL;
if (databaseUrl === undefined) throw new Error('set DATABASE_URL to the Postgres the shop keeps its drops in');
const engine = createDropEngine({ databaseUrl, ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}) });
await engine.start();

// A fixed id, so a restart finds the product (and its stock) of the first start instead of adding another.
const productId = '00000000-0000-4000-8000-00000000ac01';
await engine.useCases
  .createProduct({ id: productId, name: 'Limited sneaker', price: money(12_900), maxQuantityPerCustomer: 2 })
  .catch((error: unknown) => {
    if (!isLimitedCartError(error, 'CONFLICT')) throw error;
  });
await engine.useCases.restock({ productId, quantity: 20, opId: 'initial-stock' });

const apiKeys = new Map([
  ['alice-key', { customerId: 'alice', roles: ['USER'] as const }],
  ['bob-key', { customerId: 'bob', roles: ['USER'] as const }],
]);
const server = serve({ fetch: createShopApp({ engine, apiKeys }).fetch, port: Number(process.env.PORT ?? 3100) }, (info) => {
  console.log(`acme-shop on http://localhost:${info.port} — product ${productId}; try X-Api-Key: alice-key`);
});

// Graceful shutdown: stop taking requests, then stop the engine (subscriptions, sweeps, pools, workers).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => void engine.stop().then(() => process.exit(0)));
    // Idle keep-alive connections would otherwise hold close() open until they time out.
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}
