import { useSyncExternalStore } from 'react';

/**
 * Products this tab learned are sold out from an `OUT_OF_STOCK` answer. Shoppers without a stock feed still
 * see "Sold out" on the catalogue after one rejected attempt, until the next restock makes a buy succeed.
 */
const soldOut = new Set<string>();
const listeners = new Set<() => void>();
let version = 0;

const changed = () => {
  version++;
  for (const listener of listeners) listener();
};

export const markSoldOut = (productId: string) => {
  if (!soldOut.has(productId)) {
    soldOut.add(productId);
    changed();
  }
};

export const markAvailable = (productId: string) => {
  if (soldOut.delete(productId)) changed();
};

export function useKnownSoldOut(): ReadonlySet<string> {
  useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => version,
  );
  return soldOut;
}
