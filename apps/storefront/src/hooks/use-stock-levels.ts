import { inventory } from '../api/endpoints.js';
import { serverNow } from '../api/server-clock.js';
import type { Product, ShopperStock } from '../api/types.js';
import { isBeforeDrop } from '../components/drop.js';
import { type StockState, stockStateOf } from '../components/stock-state.js';
import { useSession } from '../session/session.js';
import { useKnownSoldOut } from './sold-out-memory.js';
import { useResource } from './use-resource.js';

const STAFF_POLL_MS = 3_000;

export interface LiveStock {
  readonly state: StockState;
  readonly available?: number;
}

/**
 * Live stock state per product. Staff read the inventory API (polled); shoppers use the stock the server
 * publishes on products (refreshed by the caller's polling) and what this tab learned from sold-out answers.
 */
export function useStockLevels(items: readonly Product[]): (product: Product, now?: number) => LiveStock {
  const { hasRole } = useSession();
  const staff = hasRole('ADMIN', 'WAREHOUSE');
  const ids = items.map((product) => product.id);
  const key = ids.join(',');
  const staffStock = useResource(
    async () => (staff && ids.length > 0 ? (await inventory.stock(ids)).items : []),
    [staff, key],
    staff ? STAFF_POLL_MS : undefined,
  );
  const knownSoldOut = useKnownSoldOut();
  const byId = new Map<string, ShopperStock>((staffStock.data ?? []).map((line) => [line.productId, line]));

  return (product, now = serverNow()) => {
    if (isBeforeDrop(product.saleStartsAt, now)) return { state: 'upcoming' };
    const stock = byId.get(product.id) ?? product.stock;
    const state = stockStateOf(stock);
    if (state === 'unknown' && knownSoldOut.has(product.id)) return { state: 'sold-out' };
    return stock === undefined ? { state } : { state, available: stock.available };
  };
}
