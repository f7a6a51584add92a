import { randomUUID } from 'node:crypto';
import type { NewCustomer } from '../../domain/customer.js';
import type { DomainEvent } from '../../domain/events.js';
import { newId } from '../../domain/ids.js';
import { money } from '../../domain/money.js';
import type { NewOrder } from '../../domain/order.js';
import type { NewPayment } from '../../domain/payment.js';
import type { NewProduct } from '../../domain/product.js';
import type { OutboxRecord, OutboxStore, StoreSet } from '../../ports/stores.js';

/** What a store kit runs against: one backend's store set, made once per describe block. */
export interface StoreKitTarget {
  readonly stores: StoreSet;
  close(): Promise<void>;
}

export type MakeStores = () => Promise<StoreKitTarget>;

/** A short random tag that keeps one test's data apart from every other test's. */
export const uniqueTag = (): string => randomUUID().slice(0, 8);

export const newProductInput = (overrides: Partial<NewProduct> = {}): NewProduct => ({
  name: `kit product ${uniqueTag()}`,
  description: 'made by the store conformance kit',
  price: money(1_250),
  maxQuantityPerCustomer: 2,
  active: true,
  ...overrides,
});

export const newCustomerInput = (overrides: Partial<NewCustomer> = {}): NewCustomer => ({
  email: `kit-${uniqueTag()}@example.test`,
  passwordHash: 'kit-hash',
  roles: ['USER'],
  ...overrides,
});

export const newOrderInput = (overrides: Partial<NewOrder> = {}): NewOrder => {
  const productId = overrides.productId ?? newId();
  const quantity = overrides.quantity ?? 1;
  return {
    id: newId(),
    customerId: newId(),
    productId,
    sku: productId,
    quantity,
    unitPrice: money(1_000),
    total: money(1_000 * quantity),
    holdUntil: new Date(Date.now() + 10 * 60_000),
    ...overrides,
  };
};

export const newPaymentInput = (overrides: Partial<NewPayment> = {}): NewPayment => ({
  id: newId(),
  orderId: newId(),
  customerId: newId(),
  amount: money(2_000),
  token: `tok-${randomUUID()}`,
  ...overrides,
});

export const newEvent = (overrides: Partial<DomainEvent> = {}): DomainEvent => ({
  id: newId(),
  topic: 'kit',
  type: 'kit.happened',
  aggregateId: newId(),
  payload: { n: 1, nested: { tag: uniqueTag() } },
  occurredAt: new Date().toISOString(),
  ...overrides,
});

/** A backlog bigger than this many batches means claims are not leasing rows. */
export const MAX_CLAIM_ROUNDS = 1_000;

/**
 * Claims batches until every id in `eventIds` has been claimed or a claim comes back empty. Rows of other
 * tests may come along: the kit never assumes it has the outbox to itself.
 */
export async function claimUntilSeen(
  outbox: OutboxStore,
  eventIds: readonly string[],
  { limit = 100, leaseMs = 60_000 }: { limit?: number; leaseMs?: number } = {},
): Promise<OutboxRecord[]> {
  const wanted = new Set(eventIds);
  const claimed: OutboxRecord[] = [];
  for (let round = 0; ; round++) {
    if (round > MAX_CLAIM_ROUNDS) throw new Error('claimUnshipped keeps returning rows: are leases honoured?');
    const batch = await outbox.claimUnshipped(limit, leaseMs);
    claimed.push(...batch);
    for (const record of batch) wanted.delete(record.event.id);
    if (batch.length === 0 || wanted.size === 0) return claimed;
  }
}

/** The records of `eventIds` among `records`, in `eventIds` order (undefined where missing). */
export const recordsOf = (records: readonly OutboxRecord[], eventIds: readonly string[]): (OutboxRecord | undefined)[] =>
  eventIds.map((id) => records.find((record) => record.event.id === id));

export const isSorted = (values: readonly number[], direction: 'asc' | 'desc'): boolean =>
  values.every((value, i) => i === 0 || (direction === 'asc' ? values[i - 1]! <= value : values[i - 1]! >= value));

/** Reads every page of a paged listing; checks the pages are consistent as it goes. */
export async function readAllPages<T extends { readonly id: string }>(
  fetch: (page: number, size: number) => Promise<{ readonly items: readonly T[]; readonly total: number }>,
  size: number,
): Promise<{ items: T[]; totals: number[] }> {
  const items: T[] = [];
  const totals: number[] = [];
  for (let page = 0; ; page++) {
    const result = await fetch(page, size);
    totals.push(result.total);
    items.push(...result.items);
    if (result.items.length < size) return { items, totals };
    if (page > 10_000) throw new Error('paging never ended');
  }
}
