import { expect } from 'vitest';
import type { Order, OrderStatus } from '../../domain/order.js';
import type { StoreSet } from '../../ports/stores.js';
import { type CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
import { claimUntilSeen, type MakeStores, newEvent, newOrderInput, newPaymentInput, newProductInput, recordsOf } from './fixtures.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const UNIT_OF_WORK_CASES = [
  'unit of work: commits the order and its outbox event together',
  'unit of work: a throw inside discards every write',
  'unit of work: work sees its own writes; others see them only after commit',
  'unit of work: concurrent units transitioning one order: exactly one commits',
  'unit of work: createOrder commits the PENDING order and its events together',
  'unit of work: createOrder of an existing id: CONFLICT, and none of its events',
  'unit of work: concurrent createOrder calls each commit their own order; one conflict fails only itself',
  'unit of work: transitionOrder moves the order and appends the events announced for the moved order',
  'unit of work: transitionOrder that may not move: NOT_FOUND or ILLEGAL_TRANSITION, and nothing announced',
  'unit of work: transitionOrder whose announce throws: the order stays, the error passes through, others move',
  'unit of work: concurrent transitionOrder calls each get their own outcome; on one order exactly one terminal move wins',
] as const;

export type UnitOfWorkCase = (typeof UNIT_OF_WORK_CASES)[number];

/** Registers the UnitOfWork cases. */
export function unitOfWorkCases(stores: () => StoreSet, registry: CaseRegistry<UnitOfWorkCase>): void {
  registry.case('unit of work: commits the order and its outbox event together', async () => {
    const { unitOfWork, orders, outbox } = stores();
    const input = newOrderInput();
    const event = newEvent({ aggregateId: input.id });
    const result = await unitOfWork.run(async (tx) => {
      const order = await tx.orders.create(input);
      await tx.outbox.append([event]);
      return order.id;
    });
    expect(result, 'run returns what the work returned').toBe(input.id);
    expect(
      await orders.get(input.id),
      'the order written in the unit is committed',
    ).toMatchObject({ id: input.id, status: 'PENDING' });
    const claimed = await claimUntilSeen(outbox, [event.id]);
    expect(
      recordsOf(claimed, [event.id])[0]?.event,
      'the event appended in the unit is committed with the order',
    ).toEqual(event);
    await outbox.markShipped(claimed.map((record) => record.position));
  });

  registry.case('unit of work: a throw inside discards every write', async () => {
    const { unitOfWork, orders, payments, products, outbox } = stores();
    const product = await products.create(newProductInput());
    const existing = await orders.create(newOrderInput());
    const input = newOrderInput();
    const payment = newPaymentInput({ orderId: input.id });
    const event = newEvent({ aggregateId: input.id });
    const failure = new Error('work failed on purpose');
    await expect(
      unitOfWork.run(async (tx) => {
        await tx.orders.create(input);
        await tx.outbox.append([event]);
        await tx.payments.create(payment);
        await tx.products.update(product.id, { name: 'rolled back' });
        await tx.orders.transition(existing.id, 'CANCELLED', 'rolled back');
        throw failure;
      }),
      'run rejects with the error the work threw',
    ).rejects.toBe(failure);
    expect(await orders.get(input.id), 'a throw discards the order created in the unit').toBeNull();
    expect(await payments.get(payment.id), 'a throw discards the payment created in the unit').toBeNull();
    expect(
      (await products.get(product.id))?.name,
      'a throw discards the product update made in the unit',
    ).toBe(product.name);
    expect(
      (await orders.get(existing.id))?.status,
      'a throw discards the order transition made in the unit',
    ).toBe('PENDING');
    const claimed = await claimUntilSeen(outbox, [event.id]);
    expect(
      claimed.map((record) => record.event.id),
      'a throw discards the event appended in the unit',
    ).not.toContain(event.id);
    await outbox.markShipped(claimed.map((record) => record.position));
  });

  registry.case('unit of work: work sees its own writes; others see them only after commit', async () => {
    const { unitOfWork, orders } = stores();
    const input = newOrderInput();
    await unitOfWork.run(async (tx) => {
      await tx.orders.create(input);
      expect(await tx.orders.get(input.id), 'the work reads the order it created').toMatchObject({ status: 'PENDING' });
      expect(
        (await tx.orders.transition(input.id, 'PAYMENT_PENDING')).ok,
        'the work can transition the order it created',
      ).toBe(true);
      expect(
        (await tx.orders.list({ page: 0, size: 5, customerId: input.customerId })).total,
        "the work's list sees the order it created",
      ).toBe(1);
      expect(await orders.get(input.id), 'outside the unit, the order is not visible before commit').toBeNull();
    });
    expect(
      await orders.get(input.id),
      'after commit the order and its transition are visible',
    ).toMatchObject({ status: 'PAYMENT_PENDING' });
  });

  registry.case('unit of work: concurrent units transitioning one order: exactly one commits', async () => {
    const { unitOfWork, orders, outbox } = stores();
    const order = await orders.create(newOrderInput());
    await orders.transition(order.id, 'PAYMENT_PENDING');
    const events = Array.from({ length: 10 }, () => newEvent({ aggregateId: order.id }));
    const outcomes = await Promise.all(
      events.map((event, i) =>
        unitOfWork.run(async (tx) => {
          const to: OrderStatus = i % 2 === 0 ? 'CONFIRMED' : 'CANCELLED';
          const result = await tx.orders.transition(order.id, to, `unit ${i}`);
          if (result.ok) await tx.outbox.append([event]);
          return result.ok;
        }),
      ),
    );
    expect(
      outcomes.filter(Boolean),
      'of concurrent units transitioning one order out of PAYMENT_PENDING exactly one applies',
    ).toHaveLength(1);
    const claimed = await claimUntilSeen(
      outbox,
      events.map((event) => event.id),
    );
    const committed = recordsOf(
      claimed,
      events.map((event) => event.id),
    ).filter((record) => record !== undefined);
    expect(committed, "only the winning unit's event is committed").toHaveLength(1);
    expect(
      committed[0]!.event.id,
      "the committed event is the winning unit's",
    ).toBe(events[outcomes.indexOf(true)]!.id);
    await outbox.markShipped(claimed.map((record) => record.position));
  });

  createOrderCases(stores, registry);
  transitionOrderCases(stores, registry);
}

/** The cases of `createOrder`, the one-call order write (see `UnitOfWork.createOrder`). */
function createOrderCases(stores: () => StoreSet, registry: CaseRegistry<UnitOfWorkCase>): void {
  registry.case('unit of work: createOrder commits the PENDING order and its events together', async () => {
    const { unitOfWork, orders, outbox } = stores();
    const input = newOrderInput({ quantity: 3 });
    const events = [newEvent({ aggregateId: input.id }), newEvent({ aggregateId: input.id })];
    const created = await unitOfWork.createOrder(input, events);
    expect(
      created,
      'createOrder returns the order as given, PENDING, with no reason',
    ).toMatchObject({ ...input, status: 'PENDING', statusReason: null });
    expect(created.createdAt, 'createOrder sets createdAt to a Date').toBeInstanceOf(Date);
    expect(await orders.get(input.id), 'get returns the created order').toEqual(created);
    const ids = events.map((event) => event.id);
    const claimed = await claimUntilSeen(outbox, ids);
    const records = recordsOf(claimed, ids);
    expect(
      records.map((record) => record?.event),
      'createOrder commits its events with the order, unchanged',
    ).toEqual(events);
    expect(
      records[0]!.position,
      'createOrder appends its events in the given order',
    ).toBeLessThan(records[1]!.position);
    await outbox.markShipped(claimed.map((record) => record.position));
  });

  registry.case('unit of work: createOrder of an existing id: CONFLICT, and none of its events', async () => {
    const { unitOfWork, orders, outbox } = stores();
    const existing = await orders.create(newOrderInput());
    const event = newEvent({ aggregateId: existing.id });
    await expect(
      unitOfWork.createOrder(newOrderInput({ id: existing.id }), [event]),
      'createOrder of an existing id fails with CONFLICT',
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await orders.get(existing.id), 'a failed createOrder leaves the existing order unchanged').toEqual(existing);
    const claimed = await claimUntilSeen(outbox, [event.id]);
    expect(
      claimed.map((record) => record.event.id),
      'a failed createOrder commits none of its events',
    ).not.toContain(event.id);
    await outbox.markShipped(claimed.map((record) => record.position));
  });

  registry.case('unit of work: concurrent createOrder calls each commit their own order; one conflict fails only itself', async () => {
    const { unitOfWork, orders, outbox } = stores();
    const existing = await orders.create(newOrderInput());
    // Issued together, as a drop's accepted orders are: a backend that commits them as one group must still
    // answer each call with its own outcome.
    const inputs = Array.from({ length: 150 }, (_, i) => newOrderInput(i === 75 ? { id: existing.id } : {}));
    const events = inputs.map((input) => newEvent({ aggregateId: input.id }));
    const outcomes = await Promise.allSettled(inputs.map((input, i) => unitOfWork.createOrder(input, [events[i]!])));
    outcomes.forEach((outcome, i) => {
      if (i === 75) {
        expect(outcome, 'createOrder of an existing id fails with CONFLICT, alone').toMatchObject({
          status: 'rejected',
          reason: { code: 'CONFLICT' },
        });
      } else {
        expect(outcome, 'each other concurrent createOrder commits its own PENDING order').toMatchObject({
          status: 'fulfilled',
          value: { id: inputs[i]!.id, status: 'PENDING' },
        });
      }
    });
    const stored = await Promise.all(inputs.map((input) => orders.get(input.id)));
    expect(stored.filter((order) => order === null), 'every concurrent createOrder left an order').toHaveLength(0);
    expect(stored[75], 'the conflicting call did not overwrite the existing order').toEqual(existing);
    const ids = events.map((event) => event.id);
    const claimed = await claimUntilSeen(outbox, ids, { limit: 500 });
    const committed = recordsOf(claimed, ids);
    expect(committed[75], 'the conflicting call commits none of its events').toBeUndefined();
    expect(
      committed.filter((record) => record !== undefined),
      'each successful call commits its own event',
    ).toHaveLength(149);
    await outbox.markShipped(claimed.map((record) => record.position));
  });
}

/** The cases of `transitionOrder`, the one-call order move (see `UnitOfWork.transitionOrder`). */
function transitionOrderCases(stores: () => StoreSet, registry: CaseRegistry<UnitOfWorkCase>): void {
  registry.case('unit of work: transitionOrder moves the order and appends the events announced for the moved order', async () => {
    const { unitOfWork, orders, outbox } = stores();
    const order = await orders.create(newOrderInput());
    const announced: Order[] = [];
    const event = newEvent({ aggregateId: order.id });
    const result = await unitOfWork.transitionOrder(order.id, 'CANCELLED', 'changed my mind', (moved) => {
      announced.push(moved);
      return [event];
    });
    expect(
      result,
      'transitionOrder moves the order and records the reason',
    ).toMatchObject({ ok: true, order: { id: order.id, status: 'CANCELLED', statusReason: 'changed my mind' } });
    expect(announced, 'announce is called once, with the moved order').toEqual([result.ok && result.order]);
    expect(await orders.get(order.id), 'the move is stored').toEqual(result.ok && result.order);
    const claimed = await claimUntilSeen(outbox, [event.id]);
    expect(recordsOf(claimed, [event.id])[0]?.event, 'the announced event is committed with the move').toEqual(event);
    await outbox.markShipped(claimed.map((record) => record.position));
  });

  registry.case('unit of work: transitionOrder that may not move: NOT_FOUND or ILLEGAL_TRANSITION, and nothing announced', async () => {
    const { unitOfWork, orders, outbox } = stores();
    const order = await orders.create(newOrderInput());
    await orders.transition(order.id, 'EXPIRED', 'window over');
    const events = [newEvent({ aggregateId: order.id }), newEvent({ aggregateId: order.id })];
    const announce = (index: number) => () => [events[index]!];
    const [illegal, missing] = await Promise.all([
      unitOfWork.transitionOrder(order.id, 'CONFIRMED', null, announce(0)),
      unitOfWork.transitionOrder('no-such-order', 'CONFIRMED', null, announce(1)),
    ]);
    expect(
      illegal,
      'a transition out of a terminal status is refused with the current status',
    ).toEqual({ ok: false, reason: 'ILLEGAL_TRANSITION', current: 'EXPIRED' });
    expect(
      missing,
      'a transition of an unknown order is refused with NOT_FOUND',
    ).toEqual({ ok: false, reason: 'NOT_FOUND' });
    expect(
      await orders.get(order.id),
      'a refused transition changes nothing',
    ).toMatchObject({ status: 'EXPIRED', statusReason: 'window over' });
    const claimed = await claimUntilSeen(
      outbox,
      events.map((event) => event.id),
    );
    expect(
      recordsOf(claimed, events.map((event) => event.id)).filter((record) => record !== undefined),
      'a refused transition commits none of the announced events',
    ).toEqual([]);
    await outbox.markShipped(claimed.map((record) => record.position));
  });

  registry.case('unit of work: transitionOrder whose announce throws: the order stays, the error passes through, others move', async () => {
    const { unitOfWork, orders } = stores();
    const failure = new Error('cannot announce');
    const alone = await orders.create(newOrderInput());
    const throwing = (): never => {
      throw failure;
    };
    await expect(
      unitOfWork.transitionOrder(alone.id, 'CANCELLED', null, throwing),
      'the error thrown by announce passes through transitionOrder',
    ).rejects.toBe(failure);
    expect((await orders.get(alone.id))?.status, 'when announce throws, the order does not move').toBe('PENDING');
    const together = await Promise.all(Array.from({ length: 12 }, () => orders.create(newOrderInput())));
    const outcomes = await Promise.allSettled(
      together.map((order, i) =>
        unitOfWork.transitionOrder(order.id, 'CANCELLED', null, () => {
          if (i === 5) throw failure;
          return [newEvent({ aggregateId: order.id })];
        }),
      ),
    );
    expect(
      outcomes.map((outcome) => outcome.status),
      'among concurrent calls only the one whose announce throws fails',
    ).toEqual(together.map((_, i) => (i === 5 ? 'rejected' : 'fulfilled')));
    expect(
      outcomes[5],
      'that call fails with the error of its announce',
    ).toEqual({ status: 'rejected', reason: failure });
    const statuses = await Promise.all(together.map(async (order) => (await orders.get(order.id))?.status));
    expect(
      statuses,
      'the orders of the other calls moved; the failed one stays PENDING',
    ).toEqual(together.map((_, i) => (i === 5 ? 'PENDING' : 'CANCELLED')));
  });

  registry.case(
    'unit of work: concurrent transitionOrder calls each get their own outcome; on one order exactly one terminal move wins',
    async () => {
      const { unitOfWork, orders, outbox } = stores();
      const placed = await Promise.all(Array.from({ length: 120 }, () => orders.create(newOrderInput())));
      for (const order of placed) await orders.transition(order.id, 'PAYMENT_PENDING');
      // Issued together, as a drop's sagas are; the first 20 orders are also cancelled at the same moment.
      const calls = placed
        .flatMap((order, i) => (i < 20 ? [order, order] : [order]).map((o, j) => ({ id: o.id, to: j === 0 ? 'CONFIRMED' : 'CANCELLED' })))
        .map((call) => ({ ...call, to: call.to as OrderStatus, event: newEvent({ aggregateId: call.id }) }));
      const results = await Promise.all(
        calls.map((call) => unitOfWork.transitionOrder(call.id, call.to, null, () => [call.event])),
      );
      for (const order of placed) {
        const mine = results.filter((_, i) => calls[i]!.id === order.id);
        const winners = mine.filter((result) => result.ok);
        expect(winners, 'on each order exactly one terminal move applies').toHaveLength(1);
        const status = winners[0]!.ok && winners[0]!.order.status;
        expect(
          mine.filter((result) => !result.ok),
          "the losing move on an order is refused with the winner's status as current",
        ).toEqual(
          mine.length === 2 ? [{ ok: false, reason: 'ILLEGAL_TRANSITION', current: status }] : [],
        );
        expect((await orders.get(order.id))?.status, "the stored status is the winner's").toBe(status);
      }
      const ids = calls.map((call) => call.event.id);
      const claimed = await claimUntilSeen(outbox, ids, { limit: 500 });
      const committed = recordsOf(claimed, ids);
      expect(
        committed.map((record) => record !== undefined),
        'exactly the events of the applied moves are committed',
      ).toEqual(results.map((result) => result.ok));
      await outbox.markShipped(claimed.map((record) => record.position));
    },
  );
}

/** The UnitOfWork conformance kit. */
export function describeUnitOfWorkContract(name: string, make: MakeStores, options?: ContractOptions<UnitOfWorkCase>): void {
  describeKit(UNIT_OF_WORK_CASES, `UnitOfWork contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    unitOfWorkCases(() => target().stores, registry);
  });
}
