import { describe, expect, it } from 'vitest';
import type { Role } from '../src/domain/customer.js';
import { isLimitedCartError } from '../src/domain/errors.js';
import { money } from '../src/domain/money.js';
import { resolveEngineConfig } from '../src/engine/config.js';
import { archiveProduct } from '../src/use-cases/archive-product.js';
import { createProduct } from '../src/use-cases/create-product.js';
import { listAuditEntries } from '../src/use-cases/list-audit-entries.js';
import { placeOrder } from '../src/use-cases/place-order.js';
import { reconcileStock } from '../src/use-cases/reconcile-stock.js';
import { restock } from '../src/use-cases/restock.js';
import { setCustomerRoles } from '../src/use-cases/set-customer-roles.js';
import { updateProduct } from '../src/use-cases/update-product.js';
import { admin, memoryPorts, seedProduct, shopper } from './use-cases-fixture.js';

const forbidden = (error: unknown) => isLimitedCartError(error, 'FORBIDDEN');
const warehouse = () => shopper(['WAREHOUSE']);

describe('role matrix in the use cases', () => {
  it('lets only ADMIN create, change (prices included) and archive products; WAREHOUSE restocks', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 0, price: 1_000 });
    for (const actor of [warehouse(), shopper(['USER'])]) {
      await expect(createProduct(ports, { name: 'Sneaky', price: money(1), actor })).rejects.toSatisfy(forbidden);
      await expect(updateProduct(ports, { productId: product.id, patch: { price: money(0) }, actor })).rejects.toSatisfy(forbidden);
      await expect(archiveProduct(ports, { productId: product.id, actor })).rejects.toSatisfy(forbidden);
    }
    expect((await ports.products.get(product.id))?.price, 'a refused price change changed nothing').toEqual(money(1_000));
    await expect(restock(ports, { productId: product.id, quantity: 1, actor: shopper(['USER']) })).rejects.toSatisfy(forbidden);
    expect((await restock(ports, { productId: product.id, quantity: 3, actor: warehouse() })).applied).toBe(true);
    await expect(reconcileStock(ports, { repair: true, actor: warehouse() })).rejects.toSatisfy(forbidden);
    await expect(listAuditEntries(ports, { actor: warehouse() })).rejects.toSatisfy(forbidden);
    await expect(setCustomerRoles(ports, { customerId: 'x', roles: ['ADMIN'], actor: warehouse() })).rejects.toSatisfy(forbidden);
    const created = await createProduct(ports, { name: 'Allowed', price: money(5), actor: admin() });
    expect(created.name).toBe('Allowed');
  });
});

describe('audit log written by the use cases', () => {
  it('records who created, repriced, archived and restocked a product, newest first', async () => {
    const ports = memoryPorts();
    const boss = admin();
    const stocker = warehouse();
    const product = await createProduct(ports, { name: 'Audited', price: money(2_000), actor: boss });
    await updateProduct(ports, { productId: product.id, patch: { price: money(0), name: 'Audited' }, actor: boss });
    // A patch that changes nothing records nothing.
    await updateProduct(ports, { productId: product.id, patch: { name: 'Audited' }, actor: boss });
    await restock(ports, { productId: product.id, quantity: 5, actor: stocker, idempotencyKey: 'restock-key-1' });
    await archiveProduct(ports, { productId: product.id, actor: boss });

    const log = await listAuditEntries(ports, { actor: boss, subject: product.id });
    expect(log.items.map((entry) => [entry.kind, entry.actorId])).toEqual([
      ['product.archived', boss.customerId],
      ['stock.restocked', stocker.customerId],
      ['product.updated', boss.customerId],
      ['product.created', boss.customerId],
    ]);
    expect(log.items[1]?.details).toEqual({ sku: product.sku, quantity: 5 });
    expect(log.items[2]?.details).toEqual({ changes: { price: { from: money(2_000), to: money(0) } } });
    expect(log.items[3]?.details).toMatchObject({ name: 'Audited', price: money(2_000), maxQuantityPerCustomer: 2 });
    expect((await listAuditEntries(ports, { kind: 'stock.restocked' })).total).toBe(1);
  });

  it('records a restock once per operation, also when a retry replays it', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 0 });
    const actor = warehouse();
    await restock(ports, { productId: product.id, quantity: 2, opId: 'op-1', actor });
    const again = await restock(ports, { productId: product.id, quantity: 2, opId: 'op-1', actor });
    expect(again.applied).toBe(false);
    expect((await listAuditEntries(ports, { kind: 'stock.restocked', subject: product.id })).total).toBe(1);
  });

  it('records role changes with from and to, refuses to demote the last admin, and records unchanged roles never', async () => {
    const ports = memoryPorts();
    const boss = await ports.customers.create({ email: 'boss@example.com', passwordHash: 'x', roles: ['ADMIN'] });
    const clerk = await ports.customers.create({ email: 'clerk@example.com', passwordHash: 'x', roles: ['USER'] });
    const actor = { customerId: boss.id, roles: ['ADMIN'] as Role[] };
    expect(await setCustomerRoles(ports, { customerId: clerk.id, roles: ['USER', 'WAREHOUSE'], actor })).toMatchObject({ ok: true });
    expect(await setCustomerRoles(ports, { customerId: clerk.id, roles: ['WAREHOUSE', 'USER'], actor })).toMatchObject({ ok: true });
    expect(await setCustomerRoles(ports, { customerId: boss.id, roles: ['USER'], actor })).toEqual({ ok: false, reason: 'LAST_ADMIN' });
    expect((await ports.customers.get(boss.id))?.roles).toEqual(['ADMIN']);
    const log = await listAuditEntries(ports, { kind: 'customer.roles-changed' });
    expect(log.items).toEqual([
      expect.objectContaining({ actorId: boss.id, subject: clerk.id, details: { from: ['USER'], to: ['USER', 'WAREHOUSE'] } }),
    ]);
    await setCustomerRoles(ports, { customerId: clerk.id, roles: ['ADMIN'], reason: 'bootstrap admin' });
    expect((await listAuditEntries(ports, { subject: clerk.id })).items[0]).toMatchObject({
      actorId: null,
      details: { from: ['WAREHOUSE', 'USER'], to: ['ADMIN'], reason: 'bootstrap admin' },
    });
  });

  it('records a reconcile repair with who asked, and nothing for a report alone', async () => {
    const ports = memoryPorts();
    await seedProduct(ports, { stock: 3 });
    const boss = admin();
    await reconcileStock(ports, { repair: false, actor: boss });
    await reconcileStock(ports, { repair: true, actor: boss });
    const log = await listAuditEntries(ports, { kind: 'stock.reconciled' });
    expect(log.items).toEqual([expect.objectContaining({ actorId: boss.customerId, subject: '*', details: { mode: 'ledger', inSync: true, drifted: [] } })]);
  });
});

describe('safe limits', () => {
  it('gives a new product the configured default limit; an explicit 0 still means no per-product limit', async () => {
    const ports = memoryPorts();
    expect((await createProduct(ports, { name: 'Default', price: money(1) })).maxQuantityPerCustomer).toBe(2);
    expect((await createProduct({ ...ports, defaultLimitPerCustomer: 5 }, { name: 'Five', price: money(1) })).maxQuantityPerCustomer).toBe(5);
    expect((await createProduct(ports, { name: 'Open', price: money(1), maxQuantityPerCustomer: 0 })).maxQuantityPerCustomer).toBe(0);
  });

  it('caps the units one customer holds of a drop, across orders, whatever the product limit', async () => {
    const ports = memoryPorts();
    const unlimited = await seedProduct(ports, { stock: 100, limit: 0 });
    const deps = { ...ports, settings: { unitCapPerCustomer: 4 } };
    const order = (quantity: number, customerId = 'hoarder') => placeOrder(deps, { customerId, productId: unlimited.id, quantity });
    expect((await order(3)).ok).toBe(true);
    // The cap counts every unit the customer holds, not one order's quantity.
    expect(await order(2)).toEqual({ ok: false, reason: 'LIMIT_EXCEEDED' });
    expect((await order(1)).ok).toBe(true);
    expect(await order(1)).toEqual({ ok: false, reason: 'LIMIT_EXCEEDED' });
    expect(await order(5, 'another')).toEqual({ ok: false, reason: 'LIMIT_EXCEEDED' });
    expect((await order(4, 'another')).ok).toBe(true);
    expect((await ports.stockGate.snapshot(unlimited.sku))?.held).toBe(8);

    const strict = await seedProduct(ports, { stock: 10, limit: 1 });
    expect(await placeOrder(deps, { customerId: 'c', productId: strict.id, quantity: 2 })).toEqual({ ok: false, reason: 'LIMIT_EXCEEDED' });
    const uncapped = { ...ports, settings: { unitCapPerCustomer: 0 } };
    expect((await placeOrder(uncapped, { customerId: 'bulk', productId: unlimited.id, quantity: 50 })).ok).toBe(true);
  });

  it('applies the default cap of 10 units when no settings are given', async () => {
    const ports = memoryPorts();
    const product = await seedProduct(ports, { stock: 100, limit: 0 });
    expect(await placeOrder(ports, { customerId: 'c', productId: product.id, quantity: 11 })).toEqual({ ok: false, reason: 'LIMIT_EXCEEDED' });
    expect((await placeOrder(ports, { customerId: 'c', productId: product.id, quantity: 10 })).ok).toBe(true);
  });

  it('refuses a negative default limit or cap in the engine config', () => {
    expect(resolveEngineConfig().defaultLimitPerCustomer).toBe(2);
    expect(resolveEngineConfig().unitCapPerCustomer).toBe(10);
    expect(() => resolveEngineConfig({ unitCapPerCustomer: -1 })).toThrow(/unitCapPerCustomer/);
    expect(() => resolveEngineConfig({ defaultLimitPerCustomer: 1.5 })).toThrow(/defaultLimitPerCustomer/);
  });
});
