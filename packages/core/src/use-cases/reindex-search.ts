import type { CorePorts } from '../ports/core-ports.js';

export type ReindexSearchDeps = Pick<CorePorts, 'products' | 'searchIndex'>;

/**
 * Rebuilds the search index from the catalogue. The engine runs it at start on `api` processes, because a
 * process-local index (memory, lunr) starts empty while the catalogue may be persisted.
 */
export async function reindexSearch(deps: ReindexSearchDeps): Promise<{ readonly indexed: number }> {
  const products = await deps.products.all();
  for (const product of products) await deps.searchIndex.upsert(product);
  return { indexed: products.length };
}
