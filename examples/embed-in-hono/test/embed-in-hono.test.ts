import { randomUUID } from 'node:crypto';
import { type Engine, money, type Product } from '@limitedcart/core';
import { createSilentLogger, TEST_CARDS } from '@limitedcart/core/memory';
import { waitFor } from '@limitedcart/core/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopApp } from '../src/app.js';
import type { ShopUser } from '../src/auth.js';
import { createDropEngine } from '../src/engine.js';
import { listen, type RunningServer } from './http-server.js';

/** The durable engine needs Postgres and Redis: missing in CI is an error, locally the suite says why it skips. */
const { DATABASE_URL, REDIS_URL } = process.env;
if ((!DATABASE_URL || !REDIS_URL) && process.env.CI) throw new Error('DATABASE_URL and REDIS_URL are required in CI');
if (!DATABASE_URL || !REDIS_URL) console.warn('skipping the embed-in-hono suite: DATABASE_URL and REDIS_URL are not both set');

const SHOPPERS = 100;
const STOCK = 20;
const CARD = { number: TEST_CARDS.succeeds, expMonth: 12, expYear: 2030, cvc: '123', holder: 'Test Shopper' };

describe.skipIf(!DATABASE_URL || !REDIS_URL)('an existing Hono app embedding the durable LimitedCart engine', () => {
  const schema = `embed_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  let engine: Engine;
  let server: RunningServer;
  let drop: Product;
  const apiKeys = new Map<string, ShopUser>(
    Array.from({ length: SHOPPERS }, (_, i) => [`key-${i}`, { customerId: `customer-${i}`, roles: ['USER'] }]),
  );

  const call = (path: string, key: string | null, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(key === null ? {} : { 'x-api-key': key }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  const orderStatus = async (orderId: string, key: string): Promise<string> => {
    const response = await call(`/drops/orders/${orderId}`, key);
    return ((await response.json()) as { status: string }).status;
  };

  beforeAll(async () => {
    engine = createDropEngine({
      databaseUrl: DATABASE_URL!,
      redisUrl: REDIS_URL!,
      schema,
      adapters: { logger: createSilentLogger() },
      config: { sweepIntervalMs: 200 },
    });
    await engine.start();
    drop = await engine.useCases.createProduct({ name: 'Drop', price: money(5_000), maxQuantityPerCustomer: 2 });
    await engine.useCases.restock({ productId: drop.id, quantity: STOCK, opId: 'drop-stock' });
    server = await listen(createShopApp({ engine, apiKeys }));
  });

  afterAll(async () => {
    await server?.close();
    await engine?.stop();
    const database = new pg.Client({ connectionString: DATABASE_URL });
    await database.connect();
    for (const name of [schema, `${schema}_saga`, `${schema}_saga_boss`]) await database.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await database.end();
    const redis = new Redis(REDIS_URL!);
    const keys = await redis.keys(`${schema}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('keeps its own routes and auth in front of the LimitedCart routes', async () => {
    expect(await (await call('/', null)).json()).toMatchObject({ service: 'acme-shop' });
    expect(await (await call('/me', 'key-1')).json()).toEqual({ customerId: 'customer-1', roles: ['USER'] });
    expect((await call('/drops/products', null)).status).toBe(401);
    expect((await call('/drops/products', 'not-a-key')).status).toBe(401);
    const products = (await (await call('/drops/products', 'key-1')).json()) as { items: { productId: string; available: number }[] };
    expect(products.items).toEqual([expect.objectContaining({ productId: drop.id, available: STOCK })]);
  });

  it('accepts exactly the stock when 100 shoppers order 20 units at once', async () => {
    const responses = await Promise.all(
      Array.from({ length: SHOPPERS }, (_, i) =>
        call('/drops/orders', `key-${i}`, { method: 'POST', body: { productId: drop.id, quantity: 1 } }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(STOCK);
    expect(statuses.filter((status) => status === 409)).toHaveLength(SHOPPERS - STOCK);
    const rejections = await Promise.all(responses.filter((r) => r.status === 409).map((r) => r.json()));
    expect(rejections.every((body) => (body as { code: string }).code === 'OUT_OF_STOCK')).toBe(true);

    const [line] = await engine.useCases.getStockSummary([drop.id]);
    expect(line).toMatchObject({ available: 0, held: STOCK, sold: 0, restockedTotal: STOCK });
  });

  it('rejects bad input with a problem document', async () => {
    const malformed = await fetch(`${server.url}/drops/orders`, {
      method: 'POST',
      headers: { 'x-api-key': 'key-1', 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    const badQuantity = await call('/drops/orders', 'key-1', { method: 'POST', body: { productId: drop.id, quantity: 0 } });
    expect(badQuantity.status).toBe(400);
    expect(await badQuantity.json()).toMatchObject({ code: 'VALIDATION' });
    const unknown = await call('/drops/orders', 'key-1', { method: 'POST', body: { productId: 'nope', quantity: 1 } });
    expect(unknown.status).toBe(404);
  });

  describe('with a fresh product', () => {
    let product: Product;
    beforeAll(async () => {
      product = await engine.useCases.createProduct({ name: 'Second drop', price: money(2_500), maxQuantityPerCustomer: 1 });
      await engine.useCases.restock({ productId: product.id, quantity: 5, opId: 'second-stock' });
    });

    const place = async (key: string): Promise<string> => {
      const response = await call('/drops/orders', key, { method: 'POST', body: { productId: product.id, quantity: 1 } });
      expect(response.status).toBe(202);
      return ((await response.json()) as { orderId: string }).orderId;
    };

    it('enforces the per-customer limit', async () => {
      await place('key-10');
      const second = await call('/drops/orders', 'key-10', { method: 'POST', body: { productId: product.id, quantity: 1 } });
      expect(second.status).toBe(409);
      expect(await second.json()).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    });

    it("hides an order from everyone but its owner, who alone can cancel it", async () => {
      const orderId = await place('key-20');
      expect((await call(`/drops/orders/${orderId}`, 'key-21')).status).toBe(404);
      expect((await call(`/drops/orders/${orderId}/cancel`, 'key-21', { method: 'POST' })).status).toBe(404);
      expect((await call(`/drops/orders/${orderId}/pay`, 'key-21', { method: 'POST', body: { card: CARD } })).status).toBe(404);
      const listed = (await (await call('/drops/orders', 'key-21')).json()) as { items: unknown[] };
      expect(listed.items).toEqual([]);

      expect((await call(`/drops/orders/${orderId}/cancel`, 'key-20', { method: 'POST' })).status).toBe(202);
      await waitFor(async () => (await orderStatus(orderId, 'key-20')) === 'CANCELLED', { message: 'order cancelled' });
      const again = await call(`/drops/orders/${orderId}/cancel`, 'key-20', { method: 'POST' });
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ code: 'NOT_CANCELLABLE' });
      // The cancelled unit is back on sale.
      expect((await engine.ports.stockGate.holdState(orderId))).toBe('RELEASED');
    });

    it('confirms an order paid through initiatePayment + processPayment', async () => {
      const orderId = await place('key-30');
      const paid = await call(`/drops/orders/${orderId}/pay`, 'key-30', { method: 'POST', body: { card: CARD } });
      expect(paid.status).toBe(200);
      expect(await paid.json()).toMatchObject({ amount: { amount: 2_500, currency: 'USD' }, payment: 'SUCCEEDED' });
      await waitFor(async () => (await orderStatus(orderId, 'key-30')) === 'CONFIRMED', { message: 'order confirmed' });
      expect(await engine.ports.stockGate.holdState(orderId)).toBe('COMMITTED');

      const cancel = await call(`/drops/orders/${orderId}/cancel`, 'key-30', { method: 'POST' });
      expect(cancel.status).toBe(409);
      const payAgain = await call(`/drops/orders/${orderId}/pay`, 'key-30', { method: 'POST', body: { card: CARD } });
      expect(payAgain.status).toBe(409);
      expect(await payAgain.json()).toMatchObject({ code: 'NOT_PAYABLE' });
    });

    it('keeps a declined order payable: another card confirms it', async () => {
      const orderId = await place('key-40');
      const declined = await call(`/drops/orders/${orderId}/pay`, 'key-40', {
        method: 'POST',
        body: { card: { ...CARD, number: TEST_CARDS.declines } },
      });
      const first = (await declined.json()) as { paymentId: string; payment: string };
      expect(first).toMatchObject({ payment: 'DECLINED' });
      expect(['PENDING', 'PAYMENT_PENDING']).toContain(await orderStatus(orderId, 'key-40'));
      expect(await engine.ports.stockGate.holdState(orderId)).toBe('HELD');

      const retried = await call(`/drops/orders/${orderId}/pay`, 'key-40', { method: 'POST', body: { card: CARD } });
      const second = (await retried.json()) as { paymentId: string; payment: string };
      expect(second).toMatchObject({ payment: 'SUCCEEDED' });
      expect(second.paymentId, 'the retry is a new payment attempt').not.toBe(first.paymentId);
      await waitFor(async () => (await orderStatus(orderId, 'key-40')) === 'CONFIRMED', { message: 'order confirmed' });
      expect(await engine.ports.stockGate.holdState(orderId)).toBe('COMMITTED');
    });
  });
});
