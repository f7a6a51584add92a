import type { PriceCache, PricedProduct } from '../ports/small-ports.js';

/** A process-local price cache. Entries are copied so callers cannot mutate the cache through them. */
export const createMemoryPriceCache = (): PriceCache => {
  const entries = new Map<string, PricedProduct>();
  return {
    get: async (productId) => {
      const entry = entries.get(productId);
      return entry === undefined ? null : { ...entry };
    },
    set: async (entry) => {
      entries.set(entry.productId, { ...entry });
    },
    delete: async (productId) => {
      entries.delete(productId);
    },
  };
};
