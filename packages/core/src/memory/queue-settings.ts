import type { AddressEntries, DropQueuePolicy, QueueSettingsStore } from '../ports/queue-settings.js';

/** `QueueSettingsStore` in process memory. */
export function createMemoryQueueSettingsStore(): QueueSettingsStore {
  const policies = new Map<string, DropQueuePolicy>();
  const addresses = new Map<string, Map<string, number>>();
  const countsOf = (dropId: string): Map<string, number> => {
    let counts = addresses.get(dropId);
    if (!counts) {
      counts = new Map();
      addresses.set(dropId, counts);
    }
    return counts;
  };
  return {
    async put(dropId, policy) {
      policies.set(dropId, structuredClone(policy));
    },
    async get(dropId) {
      const policy = policies.get(dropId);
      return policy ? structuredClone(policy) : null;
    },
    async list() {
      return [...policies.keys()];
    },
    async countAddress(dropId, address, cap) {
      const counts = countsOf(dropId);
      const entries = counts.get(address) ?? 0;
      if (cap !== null && entries >= cap) return false;
      counts.set(address, entries + 1);
      return true;
    },
    async uncountAddress(dropId, address) {
      const counts = countsOf(dropId);
      const entries = counts.get(address) ?? 0;
      if (entries <= 1) counts.delete(address);
      else counts.set(address, entries - 1);
    },
    async addresses(dropId, { minEntries, limit }) {
      const rows: AddressEntries[] = [...countsOf(dropId)]
        .filter(([, entries]) => entries >= minEntries)
        .map(([address, entries]) => ({ address, entries }));
      return rows.sort((a, b) => b.entries - a.entries || a.address.localeCompare(b.address)).slice(0, limit);
    },
  };
}
