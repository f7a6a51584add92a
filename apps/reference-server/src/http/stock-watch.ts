/** A product's shopper-facing stock at one read. */
export interface StockUpdate {
  readonly productId: string;
  readonly available: number;
  readonly restockedTotal: number;
}

export type StockListener = (update: StockUpdate) => void;

export interface StockWatch {
  /**
   * Calls `listener` with the stock of each product now (when this process has read it already) and at every change.
   * Returns the unsubscribe function.
   */
  watch(productIds: readonly string[], listener: StockListener): () => void;
  /** Products with at least one viewer. */
  readonly watched: number;
  /** Stops reading; listeners hear nothing more. */
  close(): void;
}

export interface StockWatchOptions {
  /** Reads one product's stock; null when it is not (or no longer) shown to shoppers. */
  readonly read: (productId: string) => Promise<StockUpdate | null>;
  /** How often each watched product is read. Default 1000 ms. */
  readonly intervalMs?: number;
}

interface Watched {
  readonly listeners: Set<StockListener>;
  last: StockUpdate | null;
}

/**
 * Live stock for any number of viewers at the cost of one read per watched product per interval: a process reads each
 * product that has a viewer once per tick, whatever the number of viewers, and tells them only when it changed. Ticks
 * run only while someone watches, and never overlap (a slow read delays the next tick rather than piling up).
 */
export function createStockWatch(options: StockWatchOptions): StockWatch {
  const intervalMs = options.intervalMs ?? 1_000;
  const products = new Map<string, Watched>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const tick = async () => {
    await Promise.all(
      [...products].map(async ([productId, entry]) => {
        const update = await options.read(productId).catch(() => null);
        if (update === null || products.get(productId) !== entry) return;
        const last = entry.last;
        entry.last = update;
        if (last && last.available === update.available && last.restockedTotal === update.restockedTotal) return;
        for (const listener of entry.listeners) listener(update);
      }),
    );
  };

  const schedule = () => {
    if (timer !== null || closed || products.size === 0) return;
    timer = setTimeout(() => {
      void tick().finally(() => {
        timer = null;
        schedule();
      });
    }, intervalMs);
    timer.unref();
  };

  return {
    watch(productIds, listener) {
      const ids = [...new Set(productIds)];
      for (const productId of ids) {
        let entry = products.get(productId);
        if (!entry) {
          entry = { listeners: new Set(), last: null };
          products.set(productId, entry);
        }
        entry.listeners.add(listener);
        if (entry.last) listener(entry.last);
      }
      schedule();
      return () => {
        for (const productId of ids) {
          const entry = products.get(productId);
          if (!entry) continue;
          entry.listeners.delete(listener);
          if (entry.listeners.size === 0) products.delete(productId);
        }
      };
    },
    get watched() {
      return products.size;
    },
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      products.clear();
    },
  };
}
