import type { ShopperStock } from '../api/types.js';

export type StockState = 'upcoming' | 'available' | 'selling-fast' | 'sold-out' | 'unknown';

/** Below this share of everything restocked, a product is "selling fast". */
const SELLING_FAST_SHARE = 0.2;
const SELLING_FAST_UNITS = 5;

export function stockStateOf(stock: ShopperStock | undefined): StockState {
  if (!stock) return 'unknown';
  if (stock.available <= 0) return 'sold-out';
  if (stock.available <= SELLING_FAST_UNITS || stock.available <= (stock.restockedTotal ?? 0) * SELLING_FAST_SHARE) return 'selling-fast';
  return 'available';
}
