import type { Product } from '../domain/product.js';
import type { CorePorts } from '../ports/core-ports.js';
import { toPricedProduct } from '../ports/small-ports.js';

export type CatalogueSyncDeps = Pick<CorePorts, 'priceCache' | 'searchIndex' | 'logger'>;

/**
 * Brings the order path's price cache and the search index in line with a product just committed.
 *
 * The cache write is awaited and its failure propagates: a stale price must not be served silently, and
 * the caller may simply retry the write. The search index is advisory (a reindex rebuilds it from the
 * catalogue), so its failure is logged.
 */
export async function syncCatalogue(deps: CatalogueSyncDeps, product: Product): Promise<void> {
  await deps.priceCache.set(toPricedProduct(product));
  try {
    await deps.searchIndex.upsert(product);
  } catch (error) {
    deps.logger.warn('search index update failed; reindex to repair', { productId: product.id, error });
  }
}
