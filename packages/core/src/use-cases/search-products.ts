import type { Product } from '../domain/product.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { Page } from '../ports/stores.js';
import { type CatalogueEntry, isListed, withStock } from './catalogue-entry.js';
import { requireInteger, requireObject, requireText } from './validate.js';

export interface SearchProductsInput {
  /** Any user text; typos are tolerated by the index. */
  readonly query: string;
  /** 0-based; default 0. */
  readonly page?: number;
  /** 1..100; default 20. */
  readonly size?: number;
}

/** Most hits a search counts. */
const MAX_HITS = 1_000;
/** Hits beyond the requested page read in case some resolve to products unlisted since they were indexed. */
const SLACK = 20;

/**
 * Fuzzy search over the listed products, best first, with live stock. The index holds listed products only, so
 * its hits are the answer; the page's hits are resolved against the catalogue, so a product unlisted an instant ago
 * (the index lags a change by a moment) is never returned. `total` counts every hit (up to 1,000) less those found
 * unlisted.
 */
export async function searchProducts(
  deps: Pick<CorePorts, 'searchIndex' | 'products' | 'stockGate'>,
  input: SearchProductsInput,
): Promise<Page<CatalogueEntry>> {
  const request = requireObject(input, 'input');
  const query = requireText(request.query, 'query', { maxLength: 200 });
  const page = requireInteger(request.page ?? 0, 'page', { max: 10_000 });
  const size = requireInteger(request.size ?? 20, 'size', { min: 1, max: 100 });
  const hits = await deps.searchIndex.search(query, MAX_HITS);
  const window = hits.slice(page * size, (page + 1) * size + SLACK);
  const found = await Promise.all(window.map((hit) => deps.products.get(hit.productId)));
  const listed = found.filter((product): product is Product => product !== null && isListed(product));
  const items = await withStock(deps, listed.slice(0, size));
  return { items, page, size, total: hits.length - (found.length - listed.length) };
}
