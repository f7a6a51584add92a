import { inventory } from '../api/endpoints.js';
import { serverNow } from '../api/server-clock.js';
import type { Product, ShopperStock } from '../api/types.js';
import { isBeforeDrop } from '../components/drop.js';
import { type StockState, stockStateOf } from '../components/stock-state.js';
import { useSession } from '../session/session.js';
import { useKnownSoldOut } from './sold-out-memory.js';
import { useLiveStock } from './use-live-stock.js';
import { useResource } from './use-resource.js';

const STAFF_POLL_MS = 3_000;

export interface LiveStock {
  readonly state: StockState;
  readonly available?: number;
}

/** Stock state of a product; `live` says whether the server is pushing stock (then pages need not poll for it). */
export type StockLevels = ((product: Product, now?: number) => LiveStock) & { readonly live: boolean };

/**
 * Live stock state per product. Staff read the inventory API (polled); shoppers get the stock the server pushes
 * (`useLiveStock`), else the stock published on products (refreshed by the caller's polling), and what this tab
 * learned from sold-out answers.
 */
export function useStockLevels(items: readonly Product[]): StockLevels {
  const { hasRole } = useSession();
  const staff = hasRole('ADMIN', 'WAREHOUSE');
  const ids = items.map((product) => product.id);
  const key = ids.join(',');
  const staffStock = useResource(
    async () => (staff && ids.length > 0 ? (await inventory.stock(ids)).items : []),
    [staff, key],
    staff ? STAFF_POLL_MS : undefined,
  );
  const pushed = useLiveStock(ids);
  const knownSoldOut = useKnownSoldOut();
  const byId = new Map<string, ShopperStock>((staffStock.data ?? []).map((line) => [line.productId, line]));

  const levels = (product: Product, now = serverNow()): LiveStock => {
    if (isBeforeDrop(product.saleStartsAt, now)) return { state: 'upcoming' };
    const stock = byId.get(product.id) ?? pushed.stock.get(product.id) ?? product.stock;
    const state = stockStateOf(stock);
    if (state === 'unknown' && knownSoldOut.has(product.id)) return { state: 'sold-out' };
    return stock === undefined ? { state } : { state, available: stock.available };
  };
  return Object.assign(levels, { live: pushed.live });
}
