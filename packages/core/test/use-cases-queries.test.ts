import { describe, expect, it } from 'vitest';
import { isLimitedCartError } from '../src/domain/errors.js';
import { money } from '../src/domain/money.js';
import { archiveProduct } from '../src/use-cases/archive-product.js';
import { createProduct } from '../src/use-cases/create-product.js';
import { getOrder } from '../src/use-cases/get-order.js';
import { getProduct } from '../src/use-cases/get-product.js';
import { listOrders } from '../src/use-cases/list-orders.js';
import { listStaffOrders } from '../src/use-cases/list-staff-orders.js';
import { listProducts } from '../src/use-cases/list-products.js';
import { placeOrder } from '../src/use-cases/place-order.js';
import { searchProducts } from '../src/use-cases/search-products.js';
import { updateProduct } from '../src/use-cases/update-product.js';
import { admin, memoryPorts, seedProduct, shopper } from './use-cases-fixture.js';

async function twoCustomersOrders() {
  const ports = memoryPorts();
  const deps = ports;
  const product = await seedProduct(ports, { stock: 10 });
  const alice = shopper();
  const bob = shopper();
  const place = async (customerId: string) => {
    const result = await placeOrder(deps, { customerId, productId: product.id, quantity: 1 });
    if (!result.ok) throw new Error('not placed');
    return result.order;
  };
  const aliceOrders = [await place(alice.customerId), await place(alice.customerId)];
  const bobOrder = await place(bob.customerId);
  return { ports, alice, bob, aliceOrders, bobOrder };
}

describe('getOrder', () => {
  it('shows an order to its owner and to admins, and is NOT_FOUND for anyone else', async () => {
    const { ports, alice, bob, bobOrder } = await twoCustomersOrders();
    expect(await getOrder(ports, { orderId: bobOrder.id, actor: bob })).toMatchObject({ id: bobOrder.id });
    expect(await getOrder(ports, { orderId: bobOrder.id, actor: admin() })).toMatchObject({ id: bobOrder.id });
    for (const [orderId, actor] of [
      [bobOrder.id, alice],
      ['missing', bob],
    ] as const) {
      await expect(getOrder(ports, { orderId, actor })).rejects.toSatisfy((error) =>
        isLimitedCartError(error, 'NOT_FOUND'),
      );
    }
  });
});

describe('listOrders', () => {
  it('lists only the caller’s orders, whatever customer filter a non-admin passes', async () => {
    const { ports, alice, bob, aliceOrders } = await twoCustomersOrders();
    const page = await listOrders(ports, { actor: alice, customerId: bob.customerId });
    expect(page.total).toBe(2);
    expect(page.items.map((order) => order.id).sort()).toEqual(aliceOrders.map((order) => order.id).sort());
  });

  it('lets an admin list everyone’s orders, filtered and paged', async () => {
    const { ports, bob, bobOrder } = await twoCustomersOrders();
    expect((await listOrders(ports, { actor: admin() })).total).toBe(3);
    expect((await listOrders(ports, { actor: admin(), customerId: bob.customerId })).items).toEqual([
      expect.objectContaining({ id: bobOrder.id }),
    ]);
    expect((await listOrders(ports, { actor: admin(), status: 'CONFIRMED' })).total).toBe(0);
    const paged = await listOrders(ports, { actor: admin(), page: 1, size: 2 });
    expect(paged).toMatchObject({ page: 1, size: 2, total: 3 });
    expect(paged.items).toHaveLength(1);
  });

  it("gives an admin each order with its customer's email (null for a deleted account), and refuses anyone else", async () => {
    const { ports, alice, bob, aliceOrders, bobOrder } = await twoCustomersOrders();
    await ports.customers.create({ id: alice.customerId, email: 'alice@example.com', passwordHash: 'x', roles: ['USER'] });
    const page = await listStaffOrders(ports, { actor: admin(), size: 10 });
    expect(page.total).toBe(3);
    const emails = new Map(page.items.map((order) => [order.id, order.customerEmail]));
    expect(emails).toEqual(
      new Map([
        [aliceOrders[0]!.id, 'alice@example.com'],
        [aliceOrders[1]!.id, 'alice@example.com'],
        [bobOrder.id, null],
      ]),
    );
    await expect(listStaffOrders(ports, { actor: bob })).rejects.toSatisfy((error) => isLimitedCartError(error, 'FORBIDDEN'));
  });

  it('rejects bad paging and unknown statuses', async () => {
    const ports = memoryPorts();
    for (const input of [
      { actor: admin(), size: 0 },
      { actor: admin(), size: 101 },
      { actor: admin(), page: -1 },
      { actor: admin(), status: 'SHIPPED' },
    ]) {
      await expect(listOrders(ports, input as never)).rejects.toSatisfy((error) =>
        isLimitedCartError(error, 'VALIDATION'),
      );
    }
  });
});

describe('searchProducts', () => {
  it('finds listed products despite a typo, upcoming drops included, and leaves out archived or inactive ones', async () => {
    const ports = memoryPorts();
    const runner = await createProduct(ports, { name: 'Trail Runner', price: money(100) });
    const archived = await createProduct(ports, { name: 'Trail Walker', price: money(100) });
    const hidden = await createProduct(ports, { name: 'Trail Hiker', price: money(100) });
    // Listed before its sale starts, so shoppers can find the drop and its countdown.
    const upcoming = await createProduct(ports, {
      name: 'Trail Runner Next',
      price: money(100),
      saleStartsAt: new Date(Date.now() + 3_600_000),
    });
    await archiveProduct(ports, { productId: archived.id });
    await updateProduct(ports, { productId: hidden.id, patch: { active: false } });

    const found = await searchProducts(ports, { query: 'trial runer' });
    expect(found.items.map((entry) => entry.product.id).sort()).toEqual([runner.id, upcoming.id].sort());
    expect(found.items[0]!.stock).toEqual({ available: 0, restockedTotal: 0 });
    expect(found.total).toBe(2);
    expect((await searchProducts(ports, { query: 'trial runer', page: 1, size: 1 })).items).toHaveLength(1);
    expect((await searchProducts(ports, { query: '' })).items).toEqual([]);
    await expect(searchProducts(ports, { query: 'x', size: 0 })).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'VALIDATION'),
    );
  });
});

describe('listProducts and getProduct', () => {
  it('show listed products with live stock; staff also see unlisted ones', async () => {
    const ports = memoryPorts();
    const listed = await seedProduct(ports, { stock: 4 });
    const hidden = await seedProduct(ports, { active: false });
    const staff = admin();
    const shopperPage = await listProducts(ports, { actor: shopper(), includeInactive: true });
    expect(shopperPage.items.map((entry) => entry.product.id)).toEqual([listed.id]);
    expect(shopperPage.items[0]!.stock).toEqual({ available: 4, restockedTotal: 4 });
    const staffPage = await listProducts(ports, { actor: staff, includeInactive: true });
    expect(staffPage.items.map((entry) => entry.product.id).sort()).toEqual([listed.id, hidden.id].sort());

    expect((await getProduct(ports, { productId: listed.id })).stock.available).toBe(4);
    await expect(getProduct(ports, { productId: hidden.id, actor: shopper() })).rejects.toSatisfy((error) =>
      isLimitedCartError(error, 'NOT_FOUND'),
    );
    expect((await getProduct(ports, { productId: hidden.id, actor: staff })).product.id).toBe(hidden.id);
  });
});
