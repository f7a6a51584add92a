import { randomUUID } from 'node:crypto';
import type { Product } from '@limitedcart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, client, createStockedProduct, createUsers, startTestServer, type TestServer, type TestUser } from './support.js';

describe('Idempotency-Key on POST /api/orders and POST /api/inventory/restock', () => {
  let server: TestServer;
  let api: Client;
  let product: Product;
  let warehouse: TestUser;

  beforeAll(async () => {
    server = await startTestServer('postgres');
    api = client(server.url);
    product = await createStockedProduct(server, { units: 100, limit: 0 });
    warehouse = (await createUsers(server, 1, ['WAREHOUSE'], 'warehouse'))[0]!;
  }, 90_000);

  afterAll(async () => {
    await server?.close();
  });

  const ordersOf = async (customerId: string) => (await server.engine.ports.orders.list({ page: 0, size: 100, customerId })).total;
  const order = (token: string, key: string | undefined, body: unknown) =>
    api.post('/api/orders', body, { token, headers: key === undefined ? {} : { 'idempotency-key': key } });

  it('replays the first response for the same key and body, placing one order', async () => {
    const [shopper] = await createUsers(server, 1);
    const key = randomUUID();
    const first = await order(shopper!.token, key, { productId: product.id, quantity: 2 });
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Same body with its keys in another order is the same request.
    const second = await order(shopper!.token, key, { quantity: 2, productId: product.id });
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await ordersOf(shopper!.id)).toBe(1);
  });

  it('answers 422 IDEMPOTENCY_MISMATCH for the same key with another body', async () => {
    const [shopper] = await createUsers(server, 1);
    const key = randomUUID();
    expect((await order(shopper!.token, key, { productId: product.id, quantity: 1 })).status).toBe(202);
    const other = await order(shopper!.token, key, { productId: product.id, quantity: 3 });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(other.body.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await ordersOf(shopper!.id)).toBe(1);
  });

  it('scopes keys per customer', async () => {
    const [alice, bob] = await createUsers(server, 2);
    const key = randomUUID();
    const a = await order(alice!.token, key, { productId: product.id, quantity: 1 });
    const b = await order(bob!.token, key, { productId: product.id, quantity: 1 });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.orderId).not.toBe(b.body.orderId);
  });

  it('lets concurrent duplicates through once: the others are in flight (409) or replays', async () => {
    const [shopper] = await createUsers(server, 1);
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => order(shopper!.token, key, { productId: product.id, quantity: 1 })),
    );
    const accepted = responses.filter((response) => response.status === 202);
    const inFlight = responses.filter((response) => response.status === 409);
    expect(accepted.length + inFlight.length).toBe(responses.length);
    expect(new Set(accepted.map((response) => response.body.orderId)).size).toBe(1);
    for (const response of inFlight) expect(response.body.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    expect(await ordersOf(shopper!.id)).toBe(1);
  });

  it('decides a rejected attempt again: a rejection changed nothing, so its key is not kept', async () => {
    const [shopper] = await createUsers(server, 1);
    const scarce = await createStockedProduct(server, { units: 1, limit: 0 });
    const key = randomUUID();
    const first = await order(shopper!.token, key, { productId: scarce.id, quantity: 2 });
    expect(first.status).toBe(409);
    expect(first.body.code).toBe('OUT_OF_STOCK');
    expect(first.headers.get('content-type')).toContain('application/problem+json');
    expect(await server.engine.ports.idempotency.find(`orders.place:${shopper!.id}`, key)).toBeNull();
    await server.engine.useCases.restock({ productId: scarce.id, quantity: 5, opId: randomUUID() });
    // The retry with the same key is a real attempt now that there is stock.
    const retry = await order(shopper!.token, key, { productId: scarce.id, quantity: 2 });
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await ordersOf(shopper!.id)).toBe(1);
  });

  it('replays an accepted order after the product sold out, even though new attempts are refused up front', async () => {
    const [buyer, other] = await createUsers(server, 2);
    const scarce = await createStockedProduct(server, { units: 1, limit: 0 });
    const key = randomUUID();
    const accepted = await order(buyer!.token, key, { productId: scarce.id, quantity: 1 });
    expect(accepted.status).toBe(202);
    // Two rejections: the first from the gate, the second from the sold-out answer it left behind.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const refused = await order(other!.token, randomUUID(), { productId: scarce.id, quantity: 1 });
      expect(refused.body.code).toBe('OUT_OF_STOCK');
    }
    const replay = await order(buyer!.token, key, { productId: scarce.id, quantity: 1 });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(accepted.body);
    const mismatch = await order(buyer!.token, key, { productId: scarce.id, quantity: 2 });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await ordersOf(buyer!.id)).toBe(1);
  });

  it('treats requests without a key as distinct', async () => {
    const [shopper] = await createUsers(server, 1);
    await order(shopper!.token, undefined, { productId: product.id, quantity: 1 });
    await order(shopper!.token, undefined, { productId: product.id, quantity: 1 });
    expect(await ordersOf(shopper!.id)).toBe(2);
  });

  it('rejects a malformed key with 400', async () => {
    const [shopper] = await createUsers(server, 1);
    const response = await order(shopper!.token, 'x'.repeat(201), { productId: product.id, quantity: 1 });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION');
    expect(await ordersOf(shopper!.id)).toBe(0);
  });

  it('adds restocked units once per key', async () => {
    const target = await createStockedProduct(server, { units: 10 });
    const key = randomUUID();
    const restock = (quantity: number) =>
      api.post('/api/inventory/restock', { productId: target.id, quantity }, { token: warehouse.token, headers: { 'idempotency-key': key } });
    const first = await restock(5);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ productId: target.id, applied: true, stock: { available: 15, restockedTotal: 15 } });
    const again = await restock(5);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await restock(7)).body.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await server.engine.ports.stockGate.snapshot(target.sku)).toMatchObject({ available: 15, restockedTotal: 15 });
    // Without a key every restock applies.
    const unkeyed = await api.post('/api/inventory/restock', { productId: target.id, quantity: 1 }, { token: warehouse.token });
    expect(unkeyed.body.stock.available).toBe(16);
  });
});
