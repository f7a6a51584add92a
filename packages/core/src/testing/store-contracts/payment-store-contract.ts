import { expect } from 'vitest';
import { isLimitedCartError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { StoreSet } from '../../ports/stores.js';
import { type CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
import { type MakeStores, newPaymentInput } from './fixtures.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const PAYMENT_STORE_CASES = [
  'payments: create makes an INITIATED payment found by id, token and order',
  'payments: creating an existing id is a CONFLICT',
  'payments: an order has at most one open payment, also under concurrent creates',
  'payments: setStatus applies only from the allowed statuses',
  'payments: concurrent setStatus from one status: exactly one wins',
] as const;

export type PaymentStoreCase = (typeof PAYMENT_STORE_CASES)[number];

/** Registers the PaymentStore cases. */
export function paymentStoreCases(stores: () => StoreSet, registry: CaseRegistry<PaymentStoreCase>): void {
  registry.case('payments: create makes an INITIATED payment found by id, token and order', async () => {
    const { payments } = stores();
    const orderId = newId();
    const first = await payments.create(newPaymentInput({ orderId }));
    // Closed first: an order has one open payment at a time.
    await payments.setStatus(first.id, ['INITIATED'], 'DECLINED', { failureReason: 'declined' });
    const second = await payments.create(newPaymentInput({ orderId }));
    expect(
      first,
      'create returns an INITIATED payment with no gateway reference and no failure',
    ).toMatchObject({ orderId, status: 'INITIATED', gatewayReference: null, failureReason: null });
    expect(first.createdAt, 'create sets createdAt to a Date').toBeInstanceOf(Date);
    expect(await payments.get(second.id), 'get(id) returns the created payment').toEqual(second);
    expect(await payments.getByToken(second.token), 'getByToken finds the payment of its token').toEqual(second);
    expect(
      (await payments.listByOrder(orderId)).map((p) => p.id).sort(),
      'listByOrder returns every payment of the order',
    ).toEqual([first.id, second.id].sort());
    expect(await payments.get(newId()), 'get of an unknown id is null').toBeNull();
    expect(await payments.getByToken(`tok-${newId()}`), 'getByToken of an unknown token is null').toBeNull();
    expect(await payments.listByOrder(newId()), 'listByOrder of an order without payments is empty').toEqual([]);
  });

  registry.case('payments: creating an existing id is a CONFLICT', async () => {
    const { payments } = stores();
    const input = newPaymentInput();
    await payments.create(input);
    const error = await payments.create({ ...input, token: `tok-${newId()}` }).catch((e: unknown) => e);
    expect(isLimitedCartError(error, 'CONFLICT'), 'creating a payment id that exists fails with CONFLICT').toBe(true);
  });

  registry.case('payments: an order has at most one open payment, also under concurrent creates', async () => {
    const { payments } = stores();
    const orderId = newId();
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => payments.create(newPaymentInput({ orderId }))));
    const created = attempts.filter((attempt) => attempt.status === 'fulfilled');
    expect(created, 'of 8 concurrent creates for one order exactly one succeeds').toHaveLength(1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') {
        expect(isLimitedCartError(attempt.reason, 'CONFLICT'), 'the other creates fail with CONFLICT').toBe(true);
      }
    }
    const [open] = await payments.listByOrder(orderId);
    await payments.setStatus(open!.id, ['INITIATED'], 'ERROR', { failureReason: 'gateway error' });
    const whileError = await payments.create(newPaymentInput({ orderId })).catch((e: unknown) => e);
    expect(isLimitedCartError(whileError, 'CONFLICT'), 'a payment in ERROR is still open: another create is a CONFLICT').toBe(true);
    await payments.setStatus(open!.id, ['ERROR'], 'SUCCEEDED', { gatewayReference: 'ref-1' });
    expect(
      await payments.create(newPaymentInput({ orderId })),
      'once the open payment is closed (captured, declined, refunded) a new one may be created',
    ).toMatchObject({ orderId, status: 'INITIATED' });
    expect(await payments.create(newPaymentInput()), 'other orders are unaffected').toMatchObject({ status: 'INITIATED' });
  });

  registry.case('payments: setStatus applies only from the allowed statuses', async () => {
    const { payments } = stores();
    const created = await payments.create(newPaymentInput());
    const succeeded = await payments.setStatus(created.id, ['INITIATED'], 'SUCCEEDED', { gatewayReference: 'ref-1' });
    expect(
      succeeded,
      'setStatus from an allowed status applies, with the gateway reference',
    ).toMatchObject({ id: created.id, status: 'SUCCEEDED', gatewayReference: 'ref-1', failureReason: null });
    expect(
      await payments.setStatus(created.id, ['INITIATED'], 'DECLINED', { failureReason: 'late' }),
      'setStatus from a status not in the allowed list returns null',
    ).toBeNull();
    expect(
      await payments.get(created.id),
      'a refused setStatus changes nothing',
    ).toMatchObject({ status: 'SUCCEEDED', failureReason: null });
    const refunded = await payments.setStatus(created.id, ['SUCCEEDED'], 'REFUNDED');
    expect(
      refunded,
      'SUCCEEDED → REFUNDED applies and keeps the gateway reference',
    ).toMatchObject({ status: 'REFUNDED', gatewayReference: 'ref-1' });

    const declined = await payments.create(newPaymentInput());
    expect(
      await payments.setStatus(declined.id, ['INITIATED', 'ERROR'], 'DECLINED', { failureReason: 'card declined' }),
      'setStatus applies from any of several allowed statuses, with the failure reason',
    ).toMatchObject({
      status: 'DECLINED',
      failureReason: 'card declined',
    });
    expect(
      await payments.setStatus(newId(), ['INITIATED'], 'SUCCEEDED'),
      'setStatus of an unknown payment returns null',
    ).toBeNull();
  });

  registry.case('payments: concurrent setStatus from one status: exactly one wins', async () => {
    const { payments } = stores();
    const created = await payments.create(newPaymentInput());
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? payments.setStatus(created.id, ['INITIATED'], 'SUCCEEDED', { gatewayReference: `ref-${i}` })
          : payments.setStatus(created.id, ['INITIATED'], 'DECLINED', { failureReason: `declined ${i}` }),
      ),
    );
    const winners = results.filter((result) => result !== null);
    expect(winners, 'of 10 concurrent setStatus calls from INITIATED exactly one applies').toHaveLength(1);
    expect(await payments.get(created.id), "the stored payment is the winner's").toEqual(winners[0]);
  });
}

/** The PaymentStore conformance kit. */
export function describePaymentStoreContract(name: string, make: MakeStores, options?: ContractOptions<PaymentStoreCase>): void {
  describeKit(PAYMENT_STORE_CASES, `PaymentStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    paymentStoreCases(() => target().stores, registry);
  });
}
