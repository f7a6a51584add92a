import { isOnSale, type Product } from '../domain/product.js';
import type { CorePorts } from '../ports/core-ports.js';
import { requireInteger, requireObject, requireText } from './validate.js';

export interface SearchProductsInput {
  /** Any user text; typos are tolerated by the index. */
  readonly query: string;
  /** 1..100; default 20. */
  readonly limit?: number;
}

export interface ProductHit {
  readonly product: Product;
  readonly score: number;
}

/**
 * Fuzzy product search for shoppers: index hits, best first, resolved against the catalogue so that only
 * products on sale now are returned (the index may lag a product change by an instant).
 */
export async function searchProducts(
  deps: Pick<CorePorts, 'searchIndex' | 'products' | 'clock'>,
  input: SearchProductsInput,
): Promise<readonly ProductHit[]> {
  const request = requireObject(input, 'input');
  const query = requireText(request.query, 'query', { maxLength: 200 });
  const limit = requireInteger(request.limit ?? 20, 'limit', { min: 1, max: 100 });
  const hits = await deps.searchIndex.search(query, limit);
  const now = deps.clock.now();
  const resolved = await Promise.all(
    hits.map(async (hit) => ({ product: await deps.products.get(hit.productId), score: hit.score })),
  );
  return resolved.filter((hit): hit is ProductHit => hit.product !== null && isOnSale(hit.product, now));
}
