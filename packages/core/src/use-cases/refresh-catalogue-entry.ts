import type { DomainEvent } from '../domain/events.js';
import { EVENT_TYPES } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import { toPricedProduct } from '../ports/small-ports.js';

/**
 * The per-process `product.changed` handler: brings this process's price cache and search index in line with the
 * product as stored, whichever replica changed it. It re-reads rather than trusting the event, so an older event
 * handled late still leaves the newest state behind. Other events are ignored.
 */
export async function refreshCatalogueEntry(
  deps: Pick<CorePorts, 'products' | 'priceCache' | 'searchIndex'>,
  event: DomainEvent,
): Promise<void> {
  if (event.type !== EVENT_TYPES.productChanged || typeof event.payload.productId !== 'string') return;
  const product = await deps.products.get(event.payload.productId);
  if (product === null) {
    await deps.searchIndex.remove(event.payload.productId);
    await deps.priceCache.delete(event.payload.productId);
    return;
  }
  await deps.searchIndex.upsert(product);
  await deps.priceCache.set(toPricedProduct(product));
}
