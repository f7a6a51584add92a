import { describe, expect, it } from 'vitest';
import { isLimitedCartError } from '../src/domain/errors.js';
import { TOPICS } from '../src/domain/events.js';
import { money } from '../src/domain/money.js';
import { productChangedEvent } from '../src/events/builders.js';
import { toPricedProduct } from '../src/ports/small-ports.js';
import { getAccount } from '../src/use-cases/get-account.js';
import { getBusinessMetrics } from '../src/use-cases/get-business-metrics.js';
import { listCustomers } from '../src/use-cases/list-customers.js';
import { placeOrder } from '../src/use-cases/place-order.js';
import { reconcileStock } from '../src/use-cases/reconcile-stock.js';
import { refreshCatalogueEntry } from '../src/use-cases/refresh-catalogue-entry.js';
import { setCustomerDisabled } from '../src/use-cases/set-customer-disabled.js';
import { setCustomerRoles } from '../src/use-cases/set-customer-roles.js';
import { memoryPorts, seedProduct } from './use-cases-fixture.js';

describe('accounts', () => {
  it('lists customers, replaces roles, and refuses an actor whose account is gone', async () => {
    const ports = memoryPorts();
    const customer = await ports.customers.create({ email: 'ada@example.com', passwordHash: 'x', roles: ['USER'] });
    expect((await listCustomers(ports, { size: 10 })).items.map((c) => c.email)).toContain('ada@example.com');
    expect(await setCustomerRoles(ports, { customerId: customer.id, roles: ['USER', 'WAREHOUSE', 'USER'] })).toMatchObject({
      ok: true,
      customer: { roles: ['USER', 'WAREHOUSE'] },
    });
    expect((await getAccount(ports, { customerId: customer.id, roles: ['USER'] })).email).toBe('ada@example.com');
    await expect(getAccount(ports, { customerId: 'gone', roles: ['USER'] })).rejects.toSatisfy((e) => isLimitedCartError(e, 'UNAUTHENTICATED'));
    await expect(setCustomerRoles(ports, { customerId: 'gone', roles: ['USER'] })).rejects.toSatisfy((e) => isLimitedCartError(e, 'NOT_FOUND'));
    await expect(setCustomerRoles(ports, { customerId: customer.id, roles: ['ROOT' as never] })).rejects.toSatisfy((e) =>
      isLimitedCartError(e, 'VALIDATION'),
    );
  });
});

describe('getBusinessMetrics', () => {
  it('counts orders by status, users by role, revenue per currency and stock over every product', async () => {
    const ports = memoryPorts();
    const dollars = await seedProduct(ports, { stock: 5, price: 1_000 });
    const yen = await seedProduct(ports, { stock: 2 });
    await ports.products.update(yen.id, { price: money(900, 'JPY') });
    await ports.priceCache.delete(yen.id);
    const placed = await placeOrder(ports, { customerId: 'c1', productId: dollars.id, quantity: 2 });
    const inYen = await placeOrder(ports, { customerId: 'c2', productId: yen.id, quantity: 1 });
    for (const result of [placed, inYen]) {
      if (!result.ok) throw new Error('not placed');
      await ports.orders.transition(result.order.id, 'PAYMENT_PENDING');
      await ports.orders.transition(result.order.id, 'CONFIRMED');
    }
    const metrics = await getBusinessMetrics(ports);
    expect(metrics.ordersByStatus.CONFIRMED).toBe(2);
    expect(metrics.confirmedRevenue).toEqual([
      { amount: 2_000, currency: 'USD' },
      { amount: 900, currency: 'JPY' },
    ]);
    expect(metrics.stock).toEqual({ available: 4, held: 3, sold: 0, restockedTotal: 7 });
  });
});

describe('reconcileStock', () => {
  it('checks the ledger invariant per SKU when the gate is its own ledger, and leaves repair to tiered gates', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 3 });
    const report = await reconcileStock(ports, { repair: false });
    expect(report).toMatchObject({ mode: 'ledger', inSync: true });
    expect(report.skus).toEqual([expect.objectContaining({ sku: product.sku, inSync: true, holdMismatches: 0 })]);
    const tiered = { ...ports, stockGate: { ...ports.stockGate, reconcile: async () => ({ mode: 'tiered' as const, inSync: false, skus: [] }) } };
    expect(await reconcileStock(tiered, { repair: true })).toMatchObject({ mode: 'tiered', inSync: false });
  });
});

describe('refreshCatalogueEntry', () => {
  it('brings this process’s price cache and search index to the product as stored', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { price: 1_000 });
    // Another replica changed the price: this process still caches the old one.
    await ports.products.update(product.id, { price: money(1_500), name: 'Renamed drop' });
    expect((await ports.priceCache.get(product.id))?.price.amount).toBe(1_000);
    await refreshCatalogueEntry(ports, productChangedEvent(product.id, 'updated'));
    expect(await ports.priceCache.get(product.id)).toEqual(toPricedProduct((await ports.products.get(product.id))!));
    expect((await ports.searchIndex.search('renamed', 5)).map((hit) => hit.productId)).toEqual([product.id]);

    await ports.products.archive(product.id);
    await refreshCatalogueEntry(ports, productChangedEvent(product.id, 'archived'));
    expect(await ports.searchIndex.search('renamed', 5)).toEqual([]);
  });
});

describe('locking an account', () => {
  it('disables the account, ends its sessions, raises its version and announces it', async () => {
    const ports = memoryPorts();
    const customer = await ports.customers.create({ email: 'bob@example.com', passwordHash: 'x', roles: ['USER'] });
    const session = await ports.sessions.create({ customerId: customer.id, refreshTokenHash: 'h1', ttlMs: 60_000 });
    const locked = await setCustomerDisabled(ports, { customerId: customer.id, disabled: true });
    expect([locked.disabled, locked.sessionVersion]).toEqual([true, customer.sessionVersion + 1]);
    expect((await ports.sessions.get(session.id))?.revokedReason).toBe('ACCOUNT_DISABLED');
    const [event] = (await ports.outbox.claimUnshipped(10, 60_000)).map((record) => record.event).filter((e) => e.topic === TOPICS.accounts);
    expect(event?.payload).toEqual({ customerId: customer.id, change: 'disabled', sessionIds: [session.id] });
    await expect(setCustomerDisabled(ports, { customerId: 'gone', disabled: true })).rejects.toSatisfy((e) => isLimitedCartError(e, 'NOT_FOUND'));
    await expect(setCustomerDisabled(ports, { customerId: customer.id, disabled: 'yes' as never })).rejects.toSatisfy((e) =>
      isLimitedCartError(e, 'VALIDATION'),
    );
  });
});
