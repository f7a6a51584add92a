import { useEffect, useState } from 'react';
import { apiUrl } from '../api/base.js';
import type { ShopperStock } from '../api/types.js';

export interface LiveStockFeed {
  /** The latest stock pushed for each product (only products the stream has reported). */
  readonly stock: ReadonlyMap<string, ShopperStock>;
  /** The stream is open: pages may stop polling for stock (they poll again while it is down). */
  readonly live: boolean;
}

const NONE: ReadonlyMap<string, ShopperStock> = new Map();

/**
 * The stock of `productIds` as the server pushes it (`GET /api/products/stock/stream`, public server-sent events):
 * held units coming back, restocks and sales show within about a second, without polling. EventSource reconnects by
 * itself after a dropped connection; meanwhile `live` is false.
 */
export function useLiveStock(productIds: readonly string[]): LiveStockFeed {
  const key = [...new Set(productIds)].sort().join(',');
  const [feed, setFeed] = useState<LiveStockFeed>({ stock: NONE, live: false });

  useEffect(() => {
    setFeed({ stock: NONE, live: false });
    if (key === '' || typeof EventSource === 'undefined') return;
    const query = key
      .split(',')
      .map((id) => `productId=${encodeURIComponent(id)}`)
      .join('&');
    const source = new EventSource(apiUrl(`/api/products/stock/stream?${query}`));
    source.addEventListener('ready', () => setFeed((current) => ({ ...current, live: true })));
    source.addEventListener('stock', (event) => {
      const update = JSON.parse((event as MessageEvent<string>).data) as { productId: string; available: number; restockedTotal: number };
      setFeed((current) => {
        const stock = new Map(current.stock);
        stock.set(update.productId, { available: update.available, restockedTotal: update.restockedTotal });
        return { stock, live: true };
      });
    });
    source.addEventListener('error', () => setFeed((current) => ({ ...current, live: source.readyState === EventSource.OPEN })));
    return () => source.close();
  }, [key]);

  return feed;
}
