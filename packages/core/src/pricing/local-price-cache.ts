import { forwardLifecycle } from '../ports/lifecycle.js';
import type { PriceCache, PricedProduct } from '../ports/small-ports.js';

export interface LocalPriceCacheOptions {
  /**
   * How long this process serves an entry without asking the shared cache. Writes through this decorator and the
   * catalogue events that every replica's engine applies replace entries at once; this only bounds how long a missed update could be served. Default 1 s.
   */
  readonly ttlMs?: number;
  /** Entries kept at most (the oldest go first). Default 10,000. */
  readonly maxEntries?: number;
  /** Milliseconds clock; defaults to `Date.now`. */
  readonly now?: () => number;
}

interface LocalEntry {
  readonly value: PricedProduct;
  readonly until: number;
}

/**
 * A process-local copy in front of a shared price cache (Redis): during a drop every attempt reads the same
 * product, and this answers it from memory instead of one network round trip each. Reads fill from the shared
 * cache; writes and deletes go to both, the shared one first.
 */
export function withLocalPriceCache(shared: PriceCache, options: LocalPriceCacheOptions = {}): PriceCache {
  const ttlMs = options.ttlMs ?? 1_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  if (!Number.isFinite(ttlMs) || ttlMs < 0) throw new RangeError(`ttlMs must be a non-negative number, got ${ttlMs}`);
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  const local = new Map<string, LocalEntry>();
  /** Bumped on every write or delete of a product, so a read that started before it does not fill old data. */
  const versions = new Map<string, number>();

  const keep = (value: PricedProduct): void => {
    local.delete(value.productId);
    if (local.size >= maxEntries) local.delete(local.keys().next().value!);
    local.set(value.productId, { value, until: now() + ttlMs });
  };
  const bump = (productId: string): void => {
    versions.set(productId, (versions.get(productId) ?? 0) + 1);
    local.delete(productId);
  };

  return forwardLifecycle<PriceCache>({
    async get(productId) {
      const entry = local.get(productId);
      if (entry !== undefined && entry.until > now()) return { ...entry.value };
      const version = versions.get(productId);
      const value = await shared.get(productId);
      if (value !== null && versions.get(productId) === version) keep(value);
      return value;
    },
    async set(entry) {
      bump(entry.productId);
      await shared.set(entry);
      keep({ ...entry });
    },
    async delete(productId) {
      bump(productId);
      await shared.delete(productId);
    },
  }, shared);
}
