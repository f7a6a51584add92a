import type { Engine } from '@limitedcart/core';
import { Hono } from 'hono';
import { apiKeyAuth, type ShopEnv, type ShopUser } from './auth.js';
import { limitedCartRoutes } from './limitedcart-routes.js';

export interface ShopAppOptions {
  readonly engine: Engine;
  /** The host's API keys and the customer each one stands for. */
  readonly apiKeys: ReadonlyMap<string, ShopUser>;
}

/**
 * The "existing" application: it has its own routes and its own authentication, and mounts LimitedCart's
 * drop routes under `/drops`. Nothing here is LimitedCart's except the mounted sub-app.
 */
export function createShopApp({ engine, apiKeys }: ShopAppOptions): Hono<ShopEnv> {
  const app = new Hono<ShopEnv>();

  // The host's own public and private routes.
  app.get('/', (c) => c.json({ service: 'acme-shop', drops: '/drops/products' }));
  app.get('/healthz', async (c) => {
    const health = await engine.health();
    return c.json(health, health.ok ? 200 : 503);
  });
  app.use('/me', apiKeyAuth(apiKeys));
  app.get('/me', (c) => c.json(c.var.user));

  // LimitedCart, behind the host's auth.
  app.use('/drops/*', apiKeyAuth(apiKeys));
  app.route('/drops', limitedCartRoutes(engine));
  return app;
}
