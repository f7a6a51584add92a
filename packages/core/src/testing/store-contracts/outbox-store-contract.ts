import { expect } from 'vitest';
import type { OutboxRecord, StoreSet } from '../../ports/stores.js';
import { waitFor } from '../wait-for.js';
import { type CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
import { claimUntilSeen, MAX_CLAIM_ROUNDS, type MakeStores, newEvent, recordsOf } from './fixtures.js';

const LONG_LEASE_MS = 60_000;
const SHORT_LEASE_MS = 300;

/** The names of the kit's cases, as keys of `options.skip`. */
export const OUTBOX_STORE_CASES = [
  'outbox: appended events are claimed oldest first with increasing positions',
  'outbox: a claimed row is leased and comes back only after the lease lapses',
  'outbox: shipped rows are never claimed again',
  'outbox: concurrent claimers never get the same row',
] as const;

export type OutboxStoreCase = (typeof OUTBOX_STORE_CASES)[number];

/** Registers the OutboxStore cases. */
export function outboxStoreCases(stores: () => StoreSet, registry: CaseRegistry<OutboxStoreCase>): void {
  /** Ships whatever a test claimed, so later tests start from a clean backlog. */
  const shipAll = async (records: readonly OutboxRecord[]) => {
    await stores().outbox.markShipped(records.map((record) => record.position));
  };

  registry.case('outbox: appended events are claimed oldest first with increasing positions', async () => {
    const { outbox } = stores();
    const first = [newEvent(), newEvent(), newEvent()];
    const later = newEvent({ payload: { text: 'ünïcödé', list: [1, 2, 3], flag: true, none: null } });
    await outbox.append(first);
    await outbox.append([later]);
    const ids = [...first, later].map((event) => event.id);
    const claimed = await claimUntilSeen(outbox, ids, { limit: 2, leaseMs: LONG_LEASE_MS });
    const mine = recordsOf(claimed, ids);
    expect(mine.every((record) => record !== undefined), 'every appended event is claimed').toBe(true);
    const positions = mine.map((record) => record!.position);
    expect(
      positions.every((position, i) => i === 0 || position > positions[i - 1]!),
      'positions increase in append order',
    ).toBe(true);
    expect(
      mine.map((record) => record!.event),
      'events are claimed oldest first and unchanged (payload included)',
    ).toEqual([...first, later]);
    await shipAll(claimed);
  });

  registry.case('outbox: a claimed row is leased and comes back only after the lease lapses', async () => {
    const { outbox } = stores();
    const held = newEvent();
    await outbox.append([held]);
    const claimedHeld = await claimUntilSeen(outbox, [held.id], { leaseMs: LONG_LEASE_MS });
    expect(recordsOf(claimedHeld, [held.id])[0], 'an appended event is claimed').toBeDefined();
    const whileLeased = await claimUntilSeen(outbox, [], { leaseMs: LONG_LEASE_MS });
    expect(
      whileLeased.map((record) => record.event.id),
      'a row under lease is not claimed again',
    ).not.toContain(held.id);

    const lapsing = newEvent();
    await outbox.append([lapsing]);
    const claimedLapsing = await claimUntilSeen(outbox, [lapsing.id], { leaseMs: SHORT_LEASE_MS });
    expect(recordsOf(claimedLapsing, [lapsing.id])[0], 'an appended event is claimed').toBeDefined();
    const reclaimed: OutboxRecord[] = [];
    await waitFor(
      async () => {
        reclaimed.push(...(await outbox.claimUnshipped(100, LONG_LEASE_MS)));
        return reclaimed.some((record) => record.event.id === lapsing.id);
      },
      { timeoutMs: 30_000, message: 'the lapsed lease to free the row' },
    );
    expect(
      reclaimed.map((record) => record.event.id),
      'a row whose lease has not lapsed stays leased',
    ).not.toContain(held.id);
    await shipAll([...claimedHeld, ...whileLeased, ...claimedLapsing, ...reclaimed]);
  });

  registry.case('outbox: shipped rows are never claimed again', async () => {
    const { outbox } = stores();
    const shipped = newEvent();
    const unshipped = newEvent();
    await outbox.append([shipped, unshipped]);
    const claimed = await claimUntilSeen(outbox, [shipped.id, unshipped.id], { leaseMs: SHORT_LEASE_MS });
    const [shippedRecord, unshippedRecord] = recordsOf(claimed, [shipped.id, unshipped.id]);
    expect(shippedRecord && unshippedRecord, 'both appended events are claimed').toBeDefined();
    await outbox.markShipped([shippedRecord!.position]);
    await outbox.markShipped([]);
    const later: OutboxRecord[] = [];
    await waitFor(
      async () => {
        later.push(...(await outbox.claimUnshipped(100, LONG_LEASE_MS)));
        return later.some((record) => record.event.id === unshipped.id);
      },
      { timeoutMs: 30_000, message: 'the unshipped row to come back' },
    );
    expect(later.map((record) => record.event.id), 'a shipped row is never claimed again').not.toContain(shipped.id);
    await shipAll([...claimed, ...later]);
  });

  registry.case('outbox: concurrent claimers never get the same row', async () => {
    const { outbox } = stores();
    const events = Array.from({ length: 40 }, (_, n) => newEvent({ payload: { n } }));
    await outbox.append(events);
    const claimer = async (): Promise<OutboxRecord[]> => {
      const mine: OutboxRecord[] = [];
      for (let round = 0; ; round++) {
        if (round > MAX_CLAIM_ROUNDS) throw new Error('claimUnshipped keeps returning rows: are leases honoured?');
        const batch = await outbox.claimUnshipped(3, LONG_LEASE_MS);
        if (batch.length === 0) return mine;
        mine.push(...batch);
      }
    };
    const perClaimer = await Promise.all([claimer(), claimer(), claimer(), claimer()]);
    const positions = perClaimer.flat().map((record) => record.position);
    expect(new Set(positions).size, 'concurrent claimers never get the same row').toBe(positions.length);
    const claimedIds = new Set(perClaimer.flat().map((record) => record.event.id));
    for (const event of events)
      expect(claimedIds.has(event.id), 'concurrent claimers together claim every appended event').toBe(true);
    await shipAll(perClaimer.flat());
  });
}

/** The OutboxStore conformance kit. */
export function describeOutboxStoreContract(name: string, make: MakeStores, options?: ContractOptions<OutboxStoreCase>): void {
  describeKit(OUTBOX_STORE_CASES, `OutboxStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    outboxStoreCases(() => target().stores, registry);
  });
}
