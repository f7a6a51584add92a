import { serve } from '@hono/node-server';
import { createEngine, money } from '@limitedcart/core';
import { createShopApp } from './app.js';

/**
 * Runs the example: an in-memory engine (no services needed), one product with 20 units, two API keys.
 *
 *   node --conditions=@limitedcart/source --import tsx examples/embed-in-hono/src/main.ts
 */
const engine = createEngine({ config: { paymentWindowMs: 5 * 60_000 } });
await engine.start();

const product = await engine.useCases.createProduct({
  name: 'Limited sneaker',
  price: money(12_900),
  maxQuantityPerCustomer: 2,
});
await engine.useCases.restock({ productId: product.id, quantity: 20, opId: 'initial-stock' });

const apiKeys = new Map([
  ['alice-key', { customerId: 'alice', roles: ['USER'] as const }],
  ['bob-key', { customerId: 'bob', roles: ['USER'] as const }],
]);
const app = createShopApp({ engine, apiKeys });
const port = Number(process.env.PORT ?? 3100);
const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`acme-shop on http://localhost:${info.port} — product ${product.id}; try X-Api-Key: alice-key`);
});

// Graceful shutdown: stop taking requests, then stop the engine (subscriptions, sweeps, adapters).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => {
      void engine.stop().then(() => process.exit(0));
    });
    // Idle keep-alive connections would otherwise hold close() open until they time out.
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}
