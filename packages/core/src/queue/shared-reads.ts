/**
 * Reads many shoppers ask for at once, answered from one recent read per key: a drop's queue status and policy are
 * the same for every ticket, and 20,000 shoppers joining or polling would otherwise each count the whole line. A read
 * is kept `ttlMs` on a monotonic clock (never the engine's clock, which tests and skewed hosts move) and shared by the
 * requests that arrive while it runs; a failed read is not kept.
 */
export interface SharedReads<T> {
  get(key: string): Promise<T>;
  /** Forgets a key now (its value was just changed by this process). */
  forget(key: string): void;
}

export function createSharedReads<T>(read: (key: string) => Promise<T>, options: { readonly ttlMs: number; readonly now?: () => number }): SharedReads<T> {
  const now = options.now ?? (() => performance.now());
  const kept = new Map<string, { readonly value: Promise<T>; readonly at: number }>();
  return {
    get(key) {
      if (options.ttlMs === 0) return read(key);
      const at = now();
      const hit = kept.get(key);
      if (hit && at - hit.at < options.ttlMs) return hit.value;
      const value = read(key);
      const entry = { value, at };
      kept.set(key, entry);
      value.catch(() => {
        if (kept.get(key) === entry) kept.delete(key);
      });
      // Bounded by the drops shoppers ask about; stale entries go when they are asked for again.
      if (kept.size > 1_000) for (const [stale, old] of kept) if (at - old.at >= options.ttlMs) kept.delete(stale);
      return value;
    },
    forget(key) {
      kept.delete(key);
    },
  };
}
