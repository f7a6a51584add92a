/** How many notification streams may be open at once (per route, i.e. per process in a usual host). */
export interface StreamLimits {
  /** Streams one customer may hold open. Default 8: a few tabs and devices, not a connection flood. */
  readonly perCustomer?: number;
  /** Streams open in total. Default 10,000. */
  readonly total?: number;
}

export const DEFAULT_STREAM_LIMITS = { perCustomer: 8, total: 10_000 } as const;

export type SlotResult = { readonly ok: true; readonly release: () => void } | { readonly ok: false; readonly limit: 'perCustomer' | 'total' };

/**
 * Counts open streams and hands out a slot per stream, synchronously, before the stream starts: a check made
 * later, once the stream runs, would let a burst of requests all pass it. Each stream costs memory and a socket for
 * as long as the client keeps it (one token opened 2,000 of them), so the caps bound both per customer and in total.
 */
export function createStreamSlots(limits: StreamLimits = {}) {
  const perCustomer = limits.perCustomer ?? DEFAULT_STREAM_LIMITS.perCustomer;
  const total = limits.total ?? DEFAULT_STREAM_LIMITS.total;
  for (const [name, value] of [['perCustomer', perCustomer], ['total', total]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`stream limit ${name} must be a positive integer, got ${value}`);
  }
  const byCustomer = new Map<string, number>();
  let open = 0;
  return {
    acquire(customerId: string): SlotResult {
      const mine = byCustomer.get(customerId) ?? 0;
      if (mine >= perCustomer) return { ok: false, limit: 'perCustomer' };
      if (open >= total) return { ok: false, limit: 'total' };
      byCustomer.set(customerId, mine + 1);
      open++;
      let released = false;
      return {
        ok: true,
        release: () => {
          if (released) return;
          released = true;
          open--;
          const left = (byCustomer.get(customerId) ?? 1) - 1;
          if (left === 0) byCustomer.delete(customerId);
          else byCustomer.set(customerId, left);
        },
      };
    },
    /** Streams open now. */
    open: () => open,
  };
}
