import { describe, expect, it } from 'vitest';
import { isLimitedCartError } from '../src/domain/errors.js';
import { money } from '../src/domain/money.js';
import { archiveProduct } from '../src/use-cases/archive-product.js';
import { createProduct } from '../src/use-cases/create-product.js';
import { getStockSummary } from '../src/use-cases/get-stock-summary.js';
import { placeOrder } from '../src/use-cases/place-order.js';
import { reindexSearch } from '../src/use-cases/reindex-search.js';
import { restock } from '../src/use-cases/restock.js';
import { updateProduct } from '../src/use-cases/update-product.js';
import { admin, memoryPorts, outboxEvents, seedProduct } from './use-cases-fixture.js';

const changes = async (ports: ReturnType<typeof memoryPorts>) =>
  (await outboxEvents(ports)).map((event) => [event.type, event.payload.change]);


describe('product use cases', () => {
  it('creates a product with defaults, announces it, caches its price and indexes it', async () => {
    const ports = memoryPorts();
    const product = await createProduct(ports, { name: 'Air Limited', price: money(19_900) });

    expect(product).toMatchObject({
      name: 'Air Limited',
      description: '',
      // A safe default: a new drop is limited per customer unless someone says otherwise.
      maxQuantityPerCustomer: 2,
      active: true,
      archived: false,
      saleStartsAt: null,
    });
    expect(await ports.products.get(product.id)).toMatchObject({ name: 'Air Limited' });
    expect(await changes(ports)).toEqual([['product.changed', 'created']]);
    expect(await ports.priceCache.get(product.id)).toMatchObject({ price: money(19_900), active: true });
    expect(await ports.searchIndex.search('limited', 5)).toEqual([expect.objectContaining({ productId: product.id })]);
  });

  it('accepts saleStartsAt as an ISO string and rejects malformed products', async () => {
    const ports = memoryPorts();
    const product = await createProduct(ports, {
      name: 'Later',
      price: money(100),
      saleStartsAt: '2030-01-01T00:00:00.000Z',
    });
    expect(product.saleStartsAt).toEqual(new Date('2030-01-01T00:00:00.000Z'));

    for (const bad of [
      { name: '', price: money(100) },
      { name: 'x', price: { amount: 1.5, currency: 'USD' } },
      { name: 'x', price: { amount: 100, currency: 'EURO' } },
      { name: 'x', price: { amount: 100_000_001, currency: 'USD' } },
      { name: 'x', price: money(100), maxQuantityPerCustomer: -1 },
      { name: 'x', price: money(100), saleStartsAt: 'soon' },
    ]) {
      await expect(createProduct(ports, bad as never)).rejects.toSatisfy((error) =>
        isLimitedCartError(error, 'VALIDATION'),
      );
    }
    expect((await ports.products.all()).map((p) => p.name)).toEqual(['Later']);
  });

  it('updates a product: the next order pays the new price', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { price: 1_000 });
    await outboxEvents(ports);

    const updated = await updateProduct(ports, { productId: product.id, patch: { price: money(1_500) } });

    expect(updated.price).toEqual(money(1_500));
    expect(await changes(ports)).toEqual([['product.changed', 'updated']]);
    const placed = await placeOrder(ports, { customerId: 'c1', productId: product.id, quantity: 1 });
    expect(placed.ok && placed.order.total).toEqual(money(1_500));
  });

  it('rejects unknown patch fields and unknown products', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports);
    await expect(
      updateProduct(ports, { productId: product.id, patch: { archived: true } as never }),
    ).rejects.toSatisfy((error) => isLimitedCartError(error, 'VALIDATION'));
    await expect(updateProduct(ports, { productId: 'nope', patch: { name: 'x' } })).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'NOT_FOUND'),
    );
  });

  it('archives a product: off sale at once, out of search, still readable', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports);
    await outboxEvents(ports);

    const archived = await archiveProduct(ports, { productId: product.id });

    expect(archived.archived).toBe(true);
    expect(await changes(ports)).toEqual([['product.changed', 'archived']]);
    expect(await placeOrder(ports, { customerId: 'c', productId: product.id, quantity: 1 })).toEqual({
      ok: false,
      reason: 'NOT_ON_SALE',
    });
    expect(await ports.searchIndex.search(product.name, 5)).toEqual([]);
    expect(await ports.products.get(product.id)).toMatchObject({ archived: true });
    await expect(archiveProduct(ports, { productId: 'nope' })).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'NOT_FOUND'),
    );
  });

  it('reindexes search from the catalogue', async () => {
    const ports = memoryPorts();
    const product = await ports.products.create({
      name: 'Written Elsewhere',
      description: '',
      price: money(100),
      maxQuantityPerCustomer: 0,
      active: true,
    });
    expect(await ports.searchIndex.search('elsewhere', 5)).toEqual([]);
    expect(await reindexSearch(ports)).toEqual({ indexed: 1 });
    expect(await ports.searchIndex.search('elsewhere', 5)).toEqual([expect.objectContaining({ productId: product.id })]);
  });
});

describe('restock', () => {
  it('adds stock once per opId and announces only the applied restock', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 0 });
    await outboxEvents(ports);

    const first = await restock(ports, { productId: product.id, quantity: 5, opId: 'op-1' });
    const repeat = await restock(ports, { productId: product.id, quantity: 5, opId: 'op-1' });

    expect(first).toMatchObject({ applied: true, snapshot: { available: 5, restockedTotal: 5 } });
    expect(repeat).toMatchObject({ applied: false, snapshot: { available: 5, restockedTotal: 5 } });
    expect(await changes(ports)).toEqual([['product.changed', 'restocked']]);
  });

  it('under an Idempotency-Key: a retry gets the first result and adds nothing', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 0 });
    const actor = admin();
    const input = { productId: product.id, quantity: 5, idempotencyKey: 'restock-1', actor };
    const first = await restock(ports, input);
    const retry = await restock(ports, input);
    expect(first).toMatchObject({ applied: true, replayed: false, snapshot: { available: 5 } });
    expect(retry).toMatchObject({ applied: true, replayed: true, snapshot: { available: 5 } });
    expect(await ports.stockGate.snapshot(product.sku)).toMatchObject({ available: 5, restockedTotal: 5 });
    await expect(restock(ports, { ...input, quantity: 6 })).rejects.toSatisfy((error) => isLimitedCartError(error, 'IDEMPOTENCY_MISMATCH'));
    await expect(restock(ports, { ...input, idempotencyKey: 'restock-2', opId: 'op' })).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'VALIDATION'),
    );
  });

  it('rejects unknown products and bad quantities', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports);
    await expect(restock(ports, { productId: 'nope', quantity: 1, opId: 'op' })).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'NOT_FOUND'),
    );
    for (const quantity of [0, -3, 2.5]) {
      await expect(restock(ports, { productId: product.id, quantity, opId: 'op' })).rejects.toSatisfy((error) =>
        isLimitedCartError(error, 'VALIDATION'),
      );
    }
    await expect(restock(ports, { productId: product.id, quantity: 1, opId: '' })).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'VALIDATION'),
    );
  });
});

describe('getStockSummary', () => {
  it('reports available, held and sold per product; never-restocked products show zeros', async () => {
    const ports = memoryPorts();
    const stocked = await seedProduct(ports, { stock: 4 });
    const empty = await seedProduct(ports, { stock: 0 });
    await placeOrder(ports, { customerId: 'c', productId: stocked.id, quantity: 3 });

    const all = await getStockSummary(ports);
    expect(all).toHaveLength(2);
    expect(all.find((line) => line.productId === stocked.id)).toMatchObject({
      sku: stocked.sku,
      name: stocked.name,
      available: 1,
      held: 3,
      sold: 0,
      restockedTotal: 4,
    });
    expect(all.find((line) => line.productId === empty.id)).toMatchObject({ available: 0, held: 0, restockedTotal: 0 });

    expect((await getStockSummary(ports, [empty.id])).map((line) => line.productId)).toEqual([empty.id]);
    await expect(getStockSummary(ports, ['nope'])).rejects.toSatisfy((error) => isLimitedCartError(error, 'NOT_FOUND'));
  });
});
