import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { DEFAULT_DROP_QUEUE_POLICY, type QueueSettingsStore } from '../ports/queue-settings.js';
import { type ContractOptions, describeKit, useTarget } from './store-contracts/cases.js';

/** The names of the kit's cases, as keys of `options.skip`. */
export const QUEUE_SETTINGS_CASES = [
  'queue settings: put stores a policy, get returns it, put replaces it, list names the drop',
  'queue settings: counts entries per address up to the cap, not beyond, and uncounts',
  'queue settings: of 20 concurrent counts from one address under a cap of 5, exactly 5 count',
  'queue settings: addresses lists the most entries first, from minEntries, at most limit',
] as const;

export type QueueSettingsCase = (typeof QUEUE_SETTINGS_CASES)[number];

/** What the queue-settings kit runs against. */
export interface QueueSettingsKitTarget {
  readonly settings: QueueSettingsStore;
  close(): Promise<void>;
}

export type MakeQueueSettingsStore = () => Promise<QueueSettingsKitTarget>;

/** The QueueSettingsStore conformance kit. `make` runs once for the block; every case uses drops of its own. */
export function describeQueueSettingsContract(
  name: string,
  make: MakeQueueSettingsStore,
  options?: ContractOptions<QueueSettingsCase>,
): void {
  describeKit(QUEUE_SETTINGS_CASES, `QueueSettingsStore contract (${name})`, options, (registry) => {
    const target = useTarget(make);
    const drop = (): string => `kit-drop-${randomUUID()}`;

    registry.case('queue settings: put stores a policy, get returns it, put replaces it, list names the drop', async () => {
      const { settings } = target();
      const id = drop();
      expect(await settings.get(id), 'a drop without a policy reads null').toBeNull();
      const policy = { admitForSeconds: 90, abandonmentMargin: 0.25, proofOfWork: { difficulty: 50_000 }, maxEntriesPerAddress: 4 };
      await settings.put(id, policy);
      expect(await settings.get(id), 'get returns the policy put').toEqual(policy);
      await settings.put(id, DEFAULT_DROP_QUEUE_POLICY);
      expect(await settings.get(id), 'a second put replaces the policy').toEqual(DEFAULT_DROP_QUEUE_POLICY);
      expect(await settings.list(), 'list names every drop with a policy').toContain(id);
    });

    registry.case('queue settings: counts entries per address up to the cap, not beyond, and uncounts', async () => {
      const { settings } = target();
      const id = drop();
      expect(await settings.countAddress(id, '10.0.0.1', 2), 'the first entry of an address counts').toBe(true);
      expect(await settings.countAddress(id, '10.0.0.1', 2), 'the second counts (cap 2)').toBe(true);
      expect(await settings.countAddress(id, '10.0.0.1', 2), 'a third is refused and not counted').toBe(false);
      expect(await settings.countAddress(id, '10.0.0.2', 2), 'another address counts on its own').toBe(true);
      expect(await settings.countAddress(drop(), '10.0.0.1', 2), 'another drop counts on its own').toBe(true);
      await settings.uncountAddress(id, '10.0.0.1');
      expect(await settings.countAddress(id, '10.0.0.1', 2), 'an uncounted entry frees its slot').toBe(true);
      expect(await settings.countAddress(id, '10.0.0.3', null), 'without a cap every entry counts').toBe(true);
      expect(await settings.countAddress(id, '10.0.0.3', null), 'and again').toBe(true);
      expect(await settings.addresses(id, { minEntries: 1, limit: 10 }), 'the counts').toEqual([
        { address: '10.0.0.1', entries: 2 },
        { address: '10.0.0.3', entries: 2 },
        { address: '10.0.0.2', entries: 1 },
      ]);
    });

    registry.case('queue settings: of 20 concurrent counts from one address under a cap of 5, exactly 5 count', async () => {
      const { settings } = target();
      const id = drop();
      const results = await Promise.all(Array.from({ length: 20 }, () => settings.countAddress(id, '192.0.2.7', 5)));
      expect(results.filter(Boolean), 'exactly the cap counts').toHaveLength(5);
      expect(await settings.addresses(id, { minEntries: 1, limit: 10 }), 'the address holds the cap').toEqual([{ address: '192.0.2.7', entries: 5 }]);
    });

    registry.case('queue settings: addresses lists the most entries first, from minEntries, at most limit', async () => {
      const { settings } = target();
      const id = drop();
      for (const [address, entries] of [['a', 1], ['b', 4], ['c', 2], ['d', 3]] as const) {
        for (let i = 0; i < entries; i += 1) await settings.countAddress(id, address, null);
      }
      expect(await settings.addresses(id, { minEntries: 2, limit: 2 }), 'the two with most entries, at least 2 each').toEqual([
        { address: 'b', entries: 4 },
        { address: 'd', entries: 3 },
      ]);
      expect(await settings.addresses(drop(), { minEntries: 1, limit: 10 }), 'a drop without entries lists none').toEqual([]);
    });
  });
}
