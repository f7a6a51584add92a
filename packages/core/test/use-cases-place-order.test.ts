import { describe, expect, it } from 'vitest';
import { isLimitedCartError, LimitedCartError } from '../src/domain/errors.js';
import { money } from '../src/domain/money.js';
import { DEFAULT_ENGINE_CONFIG } from '../src/engine/config.js';
import type { IdempotencyStore, UnitOfWork } from '../src/ports/stores.js';
import { withSoldOutCache } from '../src/stock/sold-out-cache.js';
import { requestHash } from '../src/use-cases/idempotency.js';
import { placeOrder } from '../src/use-cases/place-order.js';
import {
  expectStockInvariant,
  manualClock,
  memoryPorts,
  outboxEvents,
  seedProduct,
  shopper,
} from './use-cases-fixture.js';

describe('placeOrder', () => {
  it('holds stock, writes a PENDING order priced by the server and appends order.placed', async () => {
    const clock = manualClock();
    const ports = memoryPorts({ clock });
    const product = await seedProduct(ports, { stock: 5, price: 4_999 });
    await outboxEvents(ports); // drop the seeding events
    const { customerId } = shopper();

    const result = await placeOrder({ ...ports, settings: { paymentWindowMs: 60_000 } }, {
      customerId,
      productId: product.id,
      quantity: 2,
    });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { order } = result;
    expect(order).toMatchObject({ status: 'PENDING', customerId, quantity: 2, sku: product.sku });
    expect(order.unitPrice).toEqual(money(4_999));
    expect(order.total).toEqual(money(9_998));
    expect(order.holdUntil.getTime()).toBe(clock.now().getTime() + 60_000);
    expect(await ports.orders.get(order.id)).toMatchObject({ status: 'PENDING' });
    expect(await ports.stockGate.holdState(order.id)).toBe('HELD');
    expect(await ports.stockGate.snapshot(product.sku)).toMatchObject({ available: 3, held: 2, sold: 0 });

    const events = await outboxEvents(ports);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'order.placed',
      aggregateId: order.id,
      payload: { orderId: order.id, customerId, quantity: 2, holdUntil: order.holdUntil.toISOString() },
    });
  });

  it('defaults the payment window to ten minutes', async () => {
    const clock = manualClock();
    const ports = memoryPorts({ clock });
    const product = await seedProduct(ports);
    const result = await placeOrder(ports, { customerId: 'c1', productId: product.id, quantity: 1 });
    expect(result.ok && result.order.holdUntil.getTime() - clock.now().getTime()).toBe(10 * 60_000);
  });

  it('prices from the cache when it has the product, and fills it on a miss', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { price: 1_000 });
    await ports.priceCache.delete(product.id);

    const first = await placeOrder(ports, { customerId: 'c1', productId: product.id, quantity: 1 });
    expect(first.ok && first.order.total).toEqual(money(1_000));
    expect(await ports.priceCache.get(product.id)).toMatchObject({ productId: product.id, price: money(1_000) });

    // The cache is what the hot path trusts: a cached price wins over the catalogue.
    await ports.priceCache.set({ ...(await ports.priceCache.get(product.id))!, price: money(777) });
    const second = await placeOrder(ports, { customerId: 'c2', productId: product.id, quantity: 1 });
    expect(second.ok && second.order.total).toEqual(money(777));
  });

  it('falls back to the catalogue when the price cache fails', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { price: 3_000 });
    const down = () => Promise.reject(new LimitedCartError('INFRASTRUCTURE', 'cache down'));
    const priceCache = { get: down, set: down, delete: down };
    const result = await placeOrder(
      { ...ports, priceCache },
      { customerId: 'c1', productId: product.id, quantity: 1 },
    );
    expect(result.ok && result.order.total).toEqual(money(3_000));
  });

  it('rejects products that are not on sale', async () => {
    const clock = manualClock();
    const ports = memoryPorts({ clock });
    const inactive = await seedProduct(ports, { active: false });
    const future = await seedProduct(ports, { saleStartsAt: new Date(clock.now().getTime() + 60_000) });
    const archived = await seedProduct(ports);
    await ports.products.archive(archived.id);
    await ports.priceCache.delete(archived.id);

    for (const product of [inactive, future, archived]) {
      const result = await placeOrder(ports, { customerId: 'c1', productId: product.id, quantity: 1 });
      expect(result).toEqual({ ok: false, reason: 'NOT_ON_SALE' });
      expect(await ports.stockGate.snapshot(product.sku)).toMatchObject({ held: 0 });
    }

    clock.advance(60_000);
    const started = await placeOrder(ports, { customerId: 'c1', productId: future.id, quantity: 1 });
    expect(started.ok).toBe(true);
  });

  it('throws NOT_FOUND for an unknown product', async () => {
    const ports = memoryPorts();
    await expect(
      placeOrder(ports, { customerId: 'c1', productId: 'no-such-product', quantity: 1 }),
    ).rejects.toSatisfy((error) => isLimitedCartError(error, 'NOT_FOUND'));
  });

  it('rejects a quantity above the per-customer limit, per order and across orders', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 10, limit: 2 });
    const deps = ports;

    expect(await placeOrder(deps, { customerId: 'c1', productId: product.id, quantity: 3 })).toEqual({
      ok: false,
      reason: 'LIMIT_EXCEEDED',
    });
    expect((await placeOrder(deps, { customerId: 'c1', productId: product.id, quantity: 2 })).ok).toBe(true);
    expect(await placeOrder(deps, { customerId: 'c1', productId: product.id, quantity: 1 })).toEqual({
      ok: false,
      reason: 'LIMIT_EXCEEDED',
    });
    expect((await placeOrder(deps, { customerId: 'c2', productId: product.id, quantity: 2 })).ok).toBe(true);
    await expectStockInvariant(ports, product.sku);
  });

  it('reports SOLD_OUT once the units are held, and never oversells under concurrency', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 3 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        placeOrder(ports, { customerId: `c${i}`, productId: product.id, quantity: 1 }),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(3);
    expect(results.filter((result) => !result.ok).map((result) => !result.ok && result.reason)).toEqual(
      Array(9).fill('SOLD_OUT'),
    );
    expect(await ports.stockGate.snapshot(product.sku)).toMatchObject({ available: 0, held: 3 });
    await expectStockInvariant(ports, product.sku);
  });

  it('releases the hold when the order cannot be written, and rethrows the write error', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 2 });
    await outboxEvents(ports);
    const failure = new LimitedCartError('INFRASTRUCTURE', 'database unavailable');
    const failingUnitOfWork: UnitOfWork = {
      run: () => Promise.reject(failure),
      createOrder: () => Promise.reject(failure),
      transitionOrder: () => Promise.reject(failure),
      changeRoles: () => Promise.reject(failure),
    };
    const deps = { ...ports, unitOfWork: failingUnitOfWork };

    await expect(placeOrder(deps, { customerId: 'c1', productId: product.id, quantity: 2 })).rejects.toBe(failure);

    expect(await ports.stockGate.snapshot(product.sku)).toMatchObject({ available: 2, held: 0, sold: 0 });
    expect(await outboxEvents(ports)).toEqual([]);
    expect((await ports.orders.list({ page: 0, size: 10 })).total).toBe(0);
    await expectStockInvariant(ports, product.sku);
  });

  it('never starts a saga itself: the committed order.placed event is what starts it', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 5 });
    const placed = await placeOrder(ports, { customerId: 'c1', productId: product.id, quantity: 1 });
    expect(placed.ok).toBe(true);
    if (!placed.ok) return;
    expect(await ports.sagaRunner.describe(placed.order.id)).toBeNull();
  });

  it.each([
    [{ customerId: 'c1', productId: 'p', quantity: 0 }, 'quantity'],
    [{ customerId: 'c1', productId: 'p', quantity: 1.5 }, 'quantity'],
    [{ customerId: 'c1', productId: 'p', quantity: '2' }, 'quantity'],
    [{ customerId: 'c1', productId: '', quantity: 1 }, 'productId'],
    [{ customerId: 42, productId: 'p', quantity: 1 }, 'customerId'],
    [null, 'input'],
  ])('rejects malformed input %j as VALIDATION naming %s', async (input, field) => {
    const ports = memoryPorts();
    const error = await placeOrder(ports, input as never).catch((caught: unknown) => caught);
    expect(isLimitedCartError(error, 'VALIDATION')).toBe(true);
    expect((error as LimitedCartError).details).toMatchObject({ field });
  });
});

describe('placeOrder: what it refuses before writing', () => {
  it('answers NOT_ON_SALE and LIMIT_EXCEEDED from the product, claiming no key and writing nothing', async () => {
    const clock = manualClock();
    const ports = memoryPorts({ clock });
    const inactive = await seedProduct(ports, { active: false });
    const later = await seedProduct(ports, { saleStartsAt: new Date(clock.now().getTime() + 60_000) });
    const limited = await seedProduct(ports, { limit: 2 });
    await outboxEvents(ports);
    const { customerId } = shopper();
    const attempt = (productId: string, quantity: number, idempotencyKey: string) =>
      placeOrder(ports, { customerId, productId, quantity, idempotencyKey });
    expect(await attempt(inactive.id, 1, 'k1')).toEqual({ ok: false, reason: 'NOT_ON_SALE' });
    expect(await attempt(later.id, 1, 'k2')).toEqual({ ok: false, reason: 'NOT_ON_SALE' });
    expect(await attempt(limited.id, 3, 'k3')).toEqual({ ok: false, reason: 'LIMIT_EXCEEDED' });
    for (const key of ['k1', 'k2', 'k3']) expect(await ports.idempotency.find(`orders.place:${customerId}`, key)).toBeNull();
    expect(await outboxEvents(ports)).toHaveLength(0);
    expect((await ports.orders.list({ page: 0, size: 10 })).total).toBe(0);
  });

  it('answers SOLD_OUT from a gate that remembers it, without reserving', async () => {
    const cached = memoryPorts();
    const ports = { ...cached, stockGate: withSoldOutCache(cached.stockGate, { ttlMs: 60_000 }) };
    const scarce = await seedProduct(ports, { stock: 1 });
    expect((await placeOrder(ports, { customerId: 'c1', productId: scarce.id, quantity: 1 })).ok).toBe(true);
    expect(await placeOrder(ports, { customerId: 'c2', productId: scarce.id, quantity: 1 })).toEqual({ ok: false, reason: 'SOLD_OUT' });
    let reserves = 0;
    const reserve: typeof ports.stockGate.reserve = (request) => {
      reserves += 1;
      return ports.stockGate.reserve(request);
    };
    const counting = { ...ports, stockGate: { ...ports.stockGate, reserve } };
    expect(await placeOrder(counting, { customerId: 'c3', productId: scarce.id, quantity: 1 })).toEqual({ ok: false, reason: 'SOLD_OUT' });
    expect(reserves).toBe(0);
  });

  it('counts attempts per customer and per address; a refused attempt claims no key', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 100 });
    const deps = { ...ports, settings: { rateLimits: { perCustomerPerMinute: 2, perAddressPerMinute: 4 } } };
    const place = (customerId: string, idempotencyKey?: string) =>
      placeOrder(deps, { customerId, productId: product.id, quantity: 1, clientAddress: '10.0.0.1', ...(idempotencyKey ? { idempotencyKey } : {}) });
    expect((await place('a')).ok).toBe(true);
    expect((await place('a')).ok).toBe(true);
    const limited = await place('a', 'over');
    expect(limited).toMatchObject({ ok: false, reason: 'RATE_LIMITED' });
    expect(limited.ok === false && limited.reason === 'RATE_LIMITED' && limited.retryAfterMs).toBeGreaterThan(0);
    expect(await ports.idempotency.find('orders.place:a', 'over')).toBeNull();
    // Both limits count every attempt that reaches them (in one round trip): the address has one attempt left.
    expect((await place('b')).ok).toBe(true);
    expect(await place('c')).toMatchObject({ ok: false, reason: 'RATE_LIMITED' });
  });

  it('refuses an order whose total would exceed the Money bound, holding and writing nothing', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { price: 100_000_000, stock: 5 });
    const customerId = shopper().customerId;
    const error = await placeOrder(ports, { customerId, productId: product.id, quantity: 2 }).catch((e: unknown) => e);
    expect(isLimitedCartError(error, 'VALIDATION')).toBe(true);
    expect((error as LimitedCartError).details).toMatchObject({ field: 'quantity', maxQuantity: 1 });
    expect(await ports.stockGate.snapshot(product.sku)).toMatchObject({ available: 5, held: 0 });
    expect((await ports.orders.list({ page: 0, size: 10, customerId })).total).toBe(0);
    // Exactly at the bound is fine.
    expect(await placeOrder(ports, { customerId, productId: product.id, quantity: 1 })).toMatchObject({ ok: true });
  });

  it('validates and throws NOT_FOUND for an unknown product', async () => {
    const ports = memoryPorts();
    await expect(placeOrder(ports, { customerId: 'c', productId: 'nope', quantity: 1 })).rejects.toSatisfy((e: unknown) =>
      isLimitedCartError(e, 'NOT_FOUND'),
    );
    await expect(placeOrder(ports, { customerId: 'c', productId: 'p', quantity: 1, idempotencyKey: 'has space' })).rejects.toSatisfy(
      (e: unknown) => isLimitedCartError(e, 'VALIDATION'),
    );
  });
});

describe('placeOrder: Idempotency-Key', () => {
  it('a retry under the key gets the first order, not a second one', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 5 });
    const input = { customerId: 'c1', productId: product.id, quantity: 2, idempotencyKey: 'retry-me' };
    const first = await placeOrder(ports, input);
    const again = await placeOrder(ports, input);
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(again).toMatchObject({ ok: true, replayed: true });
    if (!first.ok || !again.ok) return;
    expect(again.order).toEqual(first.order);
    expect(again.order.holdUntil).toBeInstanceOf(Date);
    expect(await ports.stockGate.snapshot(product.sku)).toMatchObject({ held: 2, available: 3 });
    expect((await ports.orders.list({ page: 0, size: 10 })).total).toBe(1);
  });

  it('the same key with another request is IDEMPOTENCY_MISMATCH; keys are per customer', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 5 });
    await placeOrder(ports, { customerId: 'c1', productId: product.id, quantity: 1, idempotencyKey: 'k' });
    await expect(placeOrder(ports, { customerId: 'c1', productId: product.id, quantity: 2, idempotencyKey: 'k' })).rejects.toSatisfy(
      (e: unknown) => isLimitedCartError(e, 'IDEMPOTENCY_MISMATCH'),
    );
    expect(await placeOrder(ports, { customerId: 'c2', productId: product.id, quantity: 2, idempotencyKey: 'k' })).toMatchObject({
      ok: true,
      replayed: false,
    });
  });

  it('a key whose first request still runs is IDEMPOTENCY_IN_FLIGHT', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 5 });
    let release: () => void = () => {};
    const slowGate = {
      ...ports.stockGate,
      reserve: async (request: Parameters<typeof ports.stockGate.reserve>[0]) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return ports.stockGate.reserve(request);
      },
    };
    const input = { customerId: 'c1', productId: product.id, quantity: 1, idempotencyKey: 'slow' };
    const first = placeOrder({ ...ports, stockGate: slowGate }, input);
    await expect.poll(() => ports.idempotency.find('orders.place:c1', 'slow')).not.toBeNull();
    await expect(placeOrder(ports, input)).rejects.toSatisfy((e: unknown) => isLimitedCartError(e, 'IDEMPOTENCY_IN_FLIGHT'));
    release();
    expect((await first).ok).toBe(true);
  });

  it('a rejection frees its key, so a retry after a restock is decided anew', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 1 });
    await placeOrder(ports, { customerId: 'c1', productId: product.id, quantity: 1 });
    const input = { customerId: 'c2', productId: product.id, quantity: 1, idempotencyKey: 'after-restock' };
    expect(await placeOrder(ports, input)).toEqual({ ok: false, reason: 'SOLD_OUT' });
    await ports.stockGate.restock(product.sku, 1, 'more');
    expect(await placeOrder(ports, input)).toMatchObject({ ok: true, replayed: false });
  });

  it('an accepted order wins over a later sold-out answer under the same key', async () => {
    const cached = memoryPorts();
    const ports = { ...cached, stockGate: withSoldOutCache(cached.stockGate, { ttlMs: 60_000 }) };
    const product = await seedProduct(ports, { stock: 1 });
    const input = { customerId: 'c1', productId: product.id, quantity: 1, idempotencyKey: 'won' };
    const first = await placeOrder(ports, input);
    expect(await placeOrder(ports, { customerId: 'c2', productId: product.id, quantity: 1 })).toEqual({ ok: false, reason: 'SOLD_OUT' });
    const retry = await placeOrder(ports, input);
    expect(retry).toMatchObject({ ok: true, replayed: true });
    expect(retry.ok && first.ok && retry.order.id).toBe(first.ok && first.order.id);
  });
});

describe('placeOrder: a key whose request died', () => {
  it('is refused while in flight, then taken over; an order the dead request committed is replayed, not placed twice', async () => {
    const clock = manualClock();
    const ports = memoryPorts({ clock });
    const product = await seedProduct(ports, { stock: 5 });
    // The request commits its order, then loses its answer (its process died, or the database went away).
    let lost = true;
    const complete: typeof ports.idempotency.complete = async (...args) => {
      if (lost) throw new LimitedCartError('INFRASTRUCTURE', 'connection terminated');
      return ports.idempotency.complete(...args);
    };
    const store = ports.idempotency;
    const idempotency: IdempotencyStore = {
      find: (scope, key) => store.find(scope, key),
      claim: (scope, key, hash) => store.claim(scope, key, hash),
      complete,
      abandon: (scope, key) => store.abandon(scope, key),
      reclaim: (scope, key, staleAfterMs) => store.reclaim(scope, key, staleAfterMs),
    };
    const flaky = { ...ports, idempotency };
    const input = { customerId: 'c1', productId: product.id, quantity: 1, idempotencyKey: 'lost-answer' };
    await expect(placeOrder(flaky, input)).rejects.toThrow('connection terminated');
    lost = false;
    await expect(placeOrder(flaky, input)).rejects.toSatisfy((e: unknown) => isLimitedCartError(e, 'IDEMPOTENCY_IN_FLIGHT'));

    clock.advance(DEFAULT_ENGINE_CONFIG.staleClaimMs);
    const retry = await placeOrder(flaky, input);
    expect(retry).toMatchObject({ ok: true, replayed: true });
    const orders = await ports.orders.list({ page: 0, size: 10 });
    expect(orders.total).toBe(1);
    expect(retry.ok && retry.order.id).toBe(orders.items[0]!.id);
    expect(await ports.stockGate.snapshot(product.sku)).toMatchObject({ held: 1, available: 4 });
    expect(await placeOrder(flaky, input)).toMatchObject({ ok: true, replayed: true });
  });

  it('places the order when the dead request placed nothing', async () => {
    const clock = manualClock();
    const ports = memoryPorts({ clock });
    const product = await seedProduct(ports, { stock: 5 });
    const input = { customerId: 'c1', productId: product.id, quantity: 1, idempotencyKey: 'died-early' };
    await ports.idempotency.claim('orders.place:c1', 'died-early', requestHash({ productId: product.id, quantity: 1 }));
    clock.advance(DEFAULT_ENGINE_CONFIG.staleClaimMs);
    expect(await placeOrder(ports, input)).toMatchObject({ ok: true, replayed: false });
    expect((await ports.orders.list({ page: 0, size: 10 })).total).toBe(1);
  });
});
