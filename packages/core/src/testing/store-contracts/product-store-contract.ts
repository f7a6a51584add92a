import { expect } from 'vitest';
import { isLimitedCartError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { money } from '../../domain/money.js';
import type { StoreSet } from '../../ports/stores.js';
import { type CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
import { isSorted, type MakeStores, newProductInput, readAllPages } from './fixtures.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const PRODUCT_STORE_CASES = [
  'products: create fills defaults and get reads it back',
  'products: creating an existing id is a CONFLICT',
  'products: returned objects are copies',
  'products: update patches only the given fields',
  'products: archive is soft and hides the product from the shopper list',
  'products: list pages active products oldest first; includeInactive adds the rest',
  'products: all returns every product, inactive and archived included',
] as const;

export type ProductStoreCase = (typeof PRODUCT_STORE_CASES)[number];

/** Registers the ProductStore cases. */
export function productStoreCases(stores: () => StoreSet, registry: CaseRegistry<ProductStoreCase>): void {
  registry.case('products: create fills defaults and get reads it back', async () => {
    const { products } = stores();
    const created = await products.create(newProductInput({ saleStartsAt: new Date('2030-01-01T00:00:00Z') }));
    expect(created.id, 'create assigns an id').toBeTruthy();
    expect(created.sku, 'the sku defaults to the id').toBe(created.id);
    expect(created.archived, 'a new product is not archived').toBe(false);
    expect(created.createdAt, 'create sets createdAt to a Date').toBeInstanceOf(Date);
    expect(created.saleStartsAt?.toISOString(), 'create keeps saleStartsAt').toBe('2030-01-01T00:00:00.000Z');
    expect(await products.get(created.id), 'get(id) returns the created product').toEqual(created);

    const id = newId();
    const explicit = await products.create(newProductInput({ id, sku: `sku-${id}`, active: false }));
    expect(
      explicit,
      'create keeps a given id, sku and active; saleStartsAt defaults to null',
    ).toMatchObject({ id, sku: `sku-${id}`, active: false, saleStartsAt: null });
    expect(await products.get(newId()), 'get of an unknown id is null').toBeNull();
  });

  registry.case('products: creating an existing id is a CONFLICT', async () => {
    const { products } = stores();
    const id = newId();
    await products.create(newProductInput({ id }));
    const error = await products.create(newProductInput({ id })).catch((e: unknown) => e);
    expect(isLimitedCartError(error, 'CONFLICT'), 'creating a product id that exists fails with CONFLICT').toBe(true);
  });

  registry.case('products: returned objects are copies', async () => {
    const { products } = stores();
    const created = await products.create(newProductInput());
    (created.price as { amount: number }).amount = 1;
    const read = await products.get(created.id);
    (read as { name: string }).name = 'changed by caller';
    const again = await products.get(created.id);
    expect(again?.price.amount, 'changing a returned product does not change the stored price').toBe(1_250);
    expect(again?.name, 'changing a read product does not change the stored name').not.toBe('changed by caller');
  });

  registry.case('products: update patches only the given fields', async () => {
    const { products } = stores();
    const created = await products.create(newProductInput());
    const updated = await products.update(created.id, {
      name: 'renamed',
      price: money(999),
      saleStartsAt: new Date('2031-05-05T00:00:00Z'),
    });
    expect(
      updated,
      'update changes the given fields and keeps the others',
    ).toMatchObject({ id: created.id, name: 'renamed', description: created.description });
    expect(updated?.price, 'update changes the price').toEqual(money(999));
    expect(
      updated?.maxQuantityPerCustomer,
      'update keeps a field it was not given',
    ).toBe(created.maxQuantityPerCustomer);
    expect(
      updated!.updatedAt.getTime(),
      'update does not move updatedAt backwards',
    ).toBeGreaterThanOrEqual(created.updatedAt.getTime());
    expect(await products.get(created.id), 'get returns the updated product').toEqual(updated);

    const cleared = await products.update(created.id, { saleStartsAt: null, active: false });
    expect(
      cleared,
      'update can clear saleStartsAt and deactivate, keeping the rest',
    ).toMatchObject({ saleStartsAt: null, active: false, name: 'renamed' });
    expect(await products.update(newId(), { name: 'nobody' }), 'update of an unknown id returns null').toBeNull();
  });

  registry.case('products: archive is soft and hides the product from the shopper list', async () => {
    const { products } = stores();
    const created = await products.create(newProductInput());
    const archived = await products.archive(created.id);
    expect(archived, 'archive returns the product, archived').toMatchObject({ id: created.id, archived: true });
    expect(
      await products.get(created.id),
      'the archive is stored (soft: the product is still readable)',
    ).toMatchObject({ archived: true });
    const shopper = await readAllPages((page, size) => products.list({ page, size }), 50);
    expect(shopper.items.map((p) => p.id), 'the shopper list hides an archived product').not.toContain(created.id);
    const admin = await readAllPages((page, size) => products.list({ page, size, includeInactive: true }), 50);
    expect(
      admin.items.map((p) => p.id),
      'the list with includeInactive shows an archived product',
    ).toContain(created.id);
    expect(await products.archive(newId()), 'archive of an unknown id returns null').toBeNull();
  });

  registry.case('products: list pages active products oldest first; includeInactive adds the rest', async () => {
    const { products } = stores();
    const active = [];
    for (let i = 0; i < 5; i++) active.push(await products.create(newProductInput()));
    const inactive = await products.create(newProductInput({ active: false }));

    const shopper = await readAllPages((page, size) => products.list({ page, size }), 2);
    const ids = shopper.items.map((p) => p.id);
    expect(new Set(ids).size, 'list returns no product twice across pages').toBe(ids.length);
    expect(
      new Set(shopper.totals),
      'every page reports the same total, the number of listed products',
    ).toEqual(new Set([ids.length]));
    for (const product of active) expect(ids, 'the shopper list shows every active product').toContain(product.id);
    expect(ids, 'the shopper list hides an inactive product').not.toContain(inactive.id);
    expect(
      shopper.items.every((p) => p.active && !p.archived),
      'the shopper list holds only active, unarchived products',
    ).toBe(true);
    expect(
      isSorted(shopper.items.map((p) => p.createdAt.getTime()), 'asc'),
      'list is ordered by createdAt, oldest first',
    ).toBe(true);

    const first = await products.list({ page: 0, size: 2 });
    expect(first, 'a page reports its page and size').toMatchObject({ page: 0, size: 2 });
    expect(first.items, 'a full page holds size items').toHaveLength(2);

    const admin = await readAllPages((page, size) => products.list({ page, size, includeInactive: true }), 3);
    expect(admin.items.map((p) => p.id), 'includeInactive adds inactive products').toContain(inactive.id);
    expect(
      admin.totals[0],
      'the total with includeInactive exceeds the shopper total',
    ).toBeGreaterThan(shopper.totals[0]!);
  });

  registry.case('products: all returns every product, inactive and archived included', async () => {
    const { products } = stores();
    const inactive = await products.create(newProductInput({ active: false }));
    const archived = await products.create(newProductInput());
    await products.archive(archived.id);
    const ids = (await products.all()).map((p) => p.id);
    expect(ids, 'all includes inactive products').toContain(inactive.id);
    expect(ids, 'all includes archived products').toContain(archived.id);
  });
}

/** The ProductStore conformance kit. `make` runs once for the block; tests isolate data by fresh ids. */
export function describeProductStoreContract(name: string, make: MakeStores, options?: ContractOptions<ProductStoreCase>): void {
  describeKit(PRODUCT_STORE_CASES, `ProductStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    productStoreCases(() => target().stores, registry);
  });
}
