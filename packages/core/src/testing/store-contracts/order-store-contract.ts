import { expect } from 'vitest';
import { isLimitedCartError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/order.js';
import type { StoreSet } from '../../ports/stores.js';
import { type CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
import { isSorted, type MakeStores, newOrderInput, readAllPages } from './fixtures.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const ORDER_STORE_CASES = [
  'orders: create makes a PENDING order that get reads back',
  'orders: creating an existing id is a CONFLICT',
  'orders: legal transitions apply and record the reason',
  'orders: illegal transitions are rejected with the current status and change nothing',
  'orders: 20 concurrent conflicting transitions from PAYMENT_PENDING: exactly one wins',
  'orders: list filters by customer, status and product and pages newest first',
  'orders: list by a set of customers returns the orders of any of them',
  'orders: countByStatus and confirmedRevenue follow transitions',
  'orders: extendHold moves an open order\'s hold forward only',
] as const;

export type OrderStoreCase = (typeof ORDER_STORE_CASES)[number];

/** Registers the OrderStore cases. */
export function orderStoreCases(stores: () => StoreSet, registry: CaseRegistry<OrderStoreCase>): void {
  registry.case('orders: create makes a PENDING order that get reads back', async () => {
    const { orders } = stores();
    const input = newOrderInput({ quantity: 2 });
    const created = await orders.create(input);
    expect(created, 'create returns the order as given, PENDING, with no reason').toMatchObject({
      id: input.id,
      customerId: input.customerId,
      productId: input.productId,
      sku: input.sku,
      quantity: 2,
      unitPrice: input.unitPrice,
      total: input.total,
      status: 'PENDING',
      statusReason: null,
    });
    expect(created.holdUntil.getTime(), 'create keeps holdUntil').toBe(input.holdUntil.getTime());
    expect(created.createdAt, 'create sets createdAt to a Date').toBeInstanceOf(Date);
    expect(await orders.get(input.id), 'get(id) returns the created order').toEqual(created);
    expect(await orders.get(newId()), 'get of an unknown id is null').toBeNull();
  });

  registry.case("orders: extendHold moves an open order's hold forward only", async () => {
    const { orders } = stores();
    const input = newOrderInput();
    await orders.create(input);
    const later = new Date(input.holdUntil.getTime() + 120_000);
    const extended = await orders.extendHold(input.id, later);
    expect(extended?.holdUntil.getTime(), 'extendHold of an open order records the later end').toBe(later.getTime());
    expect((await orders.get(input.id))?.holdUntil.getTime(), 'get reads the extended end').toBe(later.getTime());
    const earlier = await orders.extendHold(input.id, input.holdUntil);
    expect(earlier?.holdUntil.getTime(), 'an earlier end changes nothing').toBe(later.getTime());
    await orders.transition(input.id, 'CANCELLED', 'test');
    const ended = await orders.extendHold(input.id, new Date(later.getTime() + 60_000));
    expect(ended?.holdUntil.getTime(), "an ended order's hold is not extended").toBe(later.getTime());
    expect(await orders.extendHold(newId(), later), 'an unknown order is null').toBeNull();
  });

  registry.case('orders: creating an existing id is a CONFLICT', async () => {
    const { orders } = stores();
    const input = newOrderInput();
    await orders.create(input);
    const error = await orders.create(input).catch((e: unknown) => e);
    expect(isLimitedCartError(error, 'CONFLICT'), 'creating an order id that exists fails with CONFLICT').toBe(true);
  });

  registry.case('orders: legal transitions apply and record the reason', async () => {
    const { orders } = stores();
    const created = await orders.create(newOrderInput());
    const pending = await orders.transition(created.id, 'PAYMENT_PENDING');
    expect(
      pending,
      'PENDING → PAYMENT_PENDING is legal and applies',
    ).toMatchObject({ ok: true, order: { id: created.id, status: 'PAYMENT_PENDING', statusReason: null } });
    const cancelled = await orders.transition(created.id, 'CANCELLED', 'changed my mind');
    expect(
      cancelled,
      'PAYMENT_PENDING → CANCELLED is legal and records the reason',
    ).toMatchObject({ ok: true, order: { status: 'CANCELLED', statusReason: 'changed my mind' } });
    const stored = await orders.get(created.id);
    expect(
      stored,
      'get shows the last transition and its reason',
    ).toMatchObject({ status: 'CANCELLED', statusReason: 'changed my mind' });
    expect(
      stored!.updatedAt.getTime(),
      'a transition does not move updatedAt backwards',
    ).toBeGreaterThanOrEqual(created.updatedAt.getTime());
  });

  registry.case('orders: illegal transitions are rejected with the current status and change nothing', async () => {
    const { orders } = stores();
    const created = await orders.create(newOrderInput());
    expect(
      await orders.transition(created.id, 'CONFIRMED'),
      'PENDING → CONFIRMED is illegal: refused with the current status',
    ).toEqual({
      ok: false,
      reason: 'ILLEGAL_TRANSITION',
      current: 'PENDING',
    });
    expect(
      await orders.transition(created.id, 'PENDING'),
      'PENDING → PENDING is illegal: refused with the current status',
    ).toEqual({
      ok: false,
      reason: 'ILLEGAL_TRANSITION',
      current: 'PENDING',
    });
    await orders.transition(created.id, 'PAYMENT_PENDING');
    expect((await orders.transition(created.id, 'CONFIRMED')).ok, 'PAYMENT_PENDING → CONFIRMED is legal').toBe(true);
    for (const to of ORDER_STATUSES) {
      expect(
        await orders.transition(created.id, to, 'too late'),
        `a terminal order accepts no transition (CONFIRMED → ${to})`,
      ).toEqual({
        ok: false,
        reason: 'ILLEGAL_TRANSITION',
        current: 'CONFIRMED',
      });
    }
    expect(
      await orders.get(created.id),
      'refused transitions change neither status nor reason',
    ).toMatchObject({ status: 'CONFIRMED', statusReason: null });
    expect(
      await orders.transition(newId(), 'CANCELLED'),
      'a transition of an unknown order is refused with NOT_FOUND',
    ).toEqual({ ok: false, reason: 'NOT_FOUND' });
  });

  registry.case('orders: 20 concurrent conflicting transitions from PAYMENT_PENDING: exactly one wins', async () => {
    const { orders } = stores();
    const created = await orders.create(newOrderInput());
    await orders.transition(created.id, 'PAYMENT_PENDING');
    const targets: OrderStatus[] = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'CONFIRMED' : 'EXPIRED'));
    const results = await Promise.all(targets.map((to) => orders.transition(created.id, to, `race ${to}`)));
    const winners = results.filter((result) => result.ok);
    expect(winners, 'of 20 concurrent transitions out of PAYMENT_PENDING exactly one applies').toHaveLength(1);
    const winner = winners[0]!;
    if (!winner.ok) throw new Error('unreachable');
    for (const result of results) {
      if (!result.ok)
        expect(result, "the losers are refused with the winner's status as current").toEqual({
          ok: false,
          reason: 'ILLEGAL_TRANSITION',
          current: winner.order.status,
        });
    }
    expect((await orders.get(created.id))?.status, "the stored status is the winner's").toBe(winner.order.status);
  });

  registry.case('orders: list by a set of customers returns the orders of any of them', async () => {
    const { orders } = stores();
    const [a, b, c] = [newId(), newId(), newId()];
    const made = [];
    for (const customerId of [a, b, a, c]) made.push(await orders.create(newOrderInput({ customerId })));
    const both = await readAllPages((page, size) => orders.list({ page, size, customerIds: [a, b] }), 2);
    expect(both.items.map((o) => o.id).sort(), 'the orders of a and b, not c').toEqual([made[0]!.id, made[1]!.id, made[2]!.id].sort());
    expect(new Set(both.totals), 'every page reports the number of matching orders').toEqual(new Set([3]));
    const withStatus = await orders.list({ page: 0, size: 10, customerIds: [a, c], status: 'PENDING', customerId: c });
    expect(withStatus.items.map((o) => o.id), 'with customerId as well, both filters hold').toEqual([made[3]!.id]);
    expect(await orders.list({ page: 0, size: 10, customerIds: [] }), 'an empty set matches no order').toMatchObject({ items: [], total: 0 });
  });

  registry.case('orders: list filters by customer, status and product and pages newest first', async () => {
    const { orders } = stores();
    const customerId = newId();
    const productId = newId();
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await orders.create(newOrderInput({ customerId, productId: i < 3 ? productId : newId() })));
    await orders.create(newOrderInput());
    await orders.transition(mine[0]!.id, 'CANCELLED', 'test');

    const byCustomer = await readAllPages((page, size) => orders.list({ page, size, customerId }), 2);
    expect(
      byCustomer.items.map((o) => o.id).sort(),
      "list by customer returns exactly that customer's orders across pages",
    ).toEqual(mine.map((o) => o.id).sort());
    expect(new Set(byCustomer.totals), 'every page reports the filtered total').toEqual(new Set([5]));
    expect(
      isSorted(byCustomer.items.map((o) => o.createdAt.getTime()), 'desc'),
      'list is ordered by createdAt, newest first',
    ).toBe(true);

    const cancelled = await orders.list({ page: 0, size: 10, customerId, status: 'CANCELLED' });
    expect(
      cancelled.items.map((o) => o.id),
      'list by customer and status returns exactly the matching orders',
    ).toEqual([mine[0]!.id]);
    expect(cancelled.total, 'the total counts the matching orders only').toBe(1);

    const byProduct = await orders.list({ page: 0, size: 10, productId });
    expect(
      byProduct.items.map((o) => o.id).sort(),
      "list by product returns exactly that product's orders",
    ).toEqual(mine.slice(0, 3).map((o) => o.id).sort());
    const secondPage = await orders.list({ page: 1, size: 3, customerId });
    expect(secondPage, 'a page reports its page, size and the total').toMatchObject({ page: 1, size: 3, total: 5 });
    expect(secondPage.items, 'the last page holds the remainder').toHaveLength(2);
  });

  registry.case('orders: countByStatus and confirmedRevenue follow transitions', async () => {
    const { orders } = stores();
    const countsBefore = await orders.countByStatus();
    expect(
      Object.keys(countsBefore).sort(),
      'countByStatus has a count for every status',
    ).toEqual([...ORDER_STATUSES].sort());
    const revenueIn = async (currency: string) =>
      (await orders.confirmedRevenue()).find((line) => line.currency === currency)?.amount ?? 0;
    const revenueBefore = await revenueIn('USD');

    const confirmed = await orders.create(newOrderInput({ quantity: 3 }));
    await orders.transition(confirmed.id, 'PAYMENT_PENDING');
    await orders.transition(confirmed.id, 'CONFIRMED');
    const expired = await orders.create(newOrderInput());
    await orders.transition(expired.id, 'EXPIRED', 'deadline');
    await orders.create(newOrderInput());

    const countsAfter = await orders.countByStatus();
    expect(countsAfter.CONFIRMED - countsBefore.CONFIRMED, 'countByStatus counts the confirmed order').toBe(1);
    expect(countsAfter.EXPIRED - countsBefore.EXPIRED, 'countByStatus counts the expired order').toBe(1);
    expect(countsAfter.PENDING - countsBefore.PENDING, 'countByStatus counts the pending order').toBe(1);
    expect(
      (await revenueIn(confirmed.total.currency)) - revenueBefore,
      'confirmedRevenue adds the total of a confirmed order only, in its currency',
    ).toBe(confirmed.total.amount);
    const lines = await orders.confirmedRevenue();
    expect(new Set(lines.map((line) => line.currency)).size, 'confirmedRevenue has one line per currency').toBe(lines.length);
  });
}

/** The OrderStore conformance kit. */
export function describeOrderStoreContract(name: string, make: MakeStores, options?: ContractOptions<OrderStoreCase>): void {
  describeKit(ORDER_STORE_CASES, `OrderStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    orderStoreCases(() => target().stores, registry);
  });
}
