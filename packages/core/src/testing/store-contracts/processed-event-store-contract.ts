import { expect } from 'vitest';
import { newId } from '../../domain/ids.js';
import type { StoreSet } from '../../ports/stores.js';
import { type CaseRegistry, type ContractOptions, describeKit, useTarget } from './cases.js';
import { type MakeStores, uniqueTag } from './fixtures.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const PROCESSED_EVENT_STORE_CASES = [
  'processed events: markProcessed is true the first time only, per group',
  'processed events: 10 concurrent marks of one event: exactly one is first',
  'processed events: unmark lets the event be processed again',
] as const;

export type ProcessedEventStoreCase = (typeof PROCESSED_EVENT_STORE_CASES)[number];

/** Registers the ProcessedEventStore cases. */
export function processedEventStoreCases(stores: () => StoreSet, registry: CaseRegistry<ProcessedEventStoreCase>): void {
  registry.case('processed events: markProcessed is true the first time only, per group', async () => {
    const { processedEvents } = stores();
    const group = `kit-${uniqueTag()}`;
    const eventId = newId();
    expect(
      await processedEvents.markProcessed(group, eventId),
      'the first markProcessed of an event in a group returns true',
    ).toBe(true);
    expect(
      await processedEvents.markProcessed(group, eventId),
      'markProcessed of the same event in the same group again returns false',
    ).toBe(false);
    expect(
      await processedEvents.markProcessed(`${group}-other`, eventId),
      'another group marks the same event independently',
    ).toBe(true);
    expect(await processedEvents.markProcessed(group, newId()), 'another event in the group is new').toBe(true);
  });

  registry.case('processed events: 10 concurrent marks of one event: exactly one is first', async () => {
    const { processedEvents } = stores();
    const group = `kit-${uniqueTag()}`;
    const eventId = newId();
    const results = await Promise.all(Array.from({ length: 10 }, () => processedEvents.markProcessed(group, eventId)));
    expect(results.filter(Boolean), 'of 10 concurrent marks of one event exactly one returns true').toHaveLength(1);
  });

  registry.case('processed events: unmark lets the event be processed again', async () => {
    const { processedEvents } = stores();
    const group = `kit-${uniqueTag()}`;
    const eventId = newId();
    await processedEvents.markProcessed(group, eventId);
    await processedEvents.unmark(group, eventId);
    expect(
      await processedEvents.markProcessed(group, eventId),
      'after unmark the event can be marked again',
    ).toBe(true);
    await processedEvents.unmark(group, newId());
  });
}

/** The ProcessedEventStore conformance kit. */
export function describeProcessedEventStoreContract(name: string, make: MakeStores, options?: ContractOptions<ProcessedEventStoreCase>): void {
  describeKit(PROCESSED_EVENT_STORE_CASES, `ProcessedEventStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    processedEventStoreCases(() => target().stores, registry);
  });
}
