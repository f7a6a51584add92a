import type { Product, SearchHit, SearchIndex } from '@limitedcart/core';
import lunr from 'lunr';

interface IndexedProduct {
  readonly id: string;
  readonly name: string;
  readonly description: string;
}

export interface LunrSearchOptions {
  /** Maximum typos per term; 1 is forgiving without matching everything. */
  readonly editDistance?: number;
}

/**
 * Splits free text into plain terms. Queries are built programmatically from these terms rather than passed
 * to lunr's query parser, so quotes, `+`, `-`, `:`, `~` or `^` in user input can never break a search.
 */
export const queryTerms = (query: string): string[] =>
  query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term.length > 0)
    .slice(0, 12);

/**
 * Typo-tolerant product search on lunr. lunr indexes are immutable, so changes mark the index stale and it is
 * rebuilt lazily on the next search; a catalogue of drops is small enough that a rebuild costs milliseconds.
 * Inactive and archived products are never indexed.
 */
export function createLunrSearchIndex(options: LunrSearchOptions = {}): SearchIndex & { size(): number } {
  const editDistance = options.editDistance ?? 1;
  const documents = new Map<string, IndexedProduct>();
  let index: lunr.Index | null = null;

  const build = (): lunr.Index =>
    lunr(function () {
      this.ref('id');
      this.field('name', { boost: 5 });
      this.field('description');
      for (const doc of documents.values()) this.add(doc);
    });

  return {
    async upsert(product: Product) {
      if (!product.active || product.archived) {
        if (documents.delete(product.id)) index = null;
        return;
      }
      documents.set(product.id, { id: product.id, name: product.name, description: product.description });
      index = null;
    },

    async remove(productId: string) {
      if (documents.delete(productId)) index = null;
    },

    async search(query: string, limit: number): Promise<SearchHit[]> {
      const terms = queryTerms(query);
      if (terms.length === 0 || documents.size === 0) return [];
      index ??= build();
      const results = index.query((q) => {
        for (const term of terms) {
          // Exact (stemmed) matches rank first, then prefixes ("sneak" → "sneakers"), then typos.
          q.term(lunr.tokenizer(term), { boost: 10 });
          q.term(term, { boost: 3, wildcard: lunr.Query.wildcard.TRAILING, usePipeline: false });
          if (term.length > 3) q.term(term, { boost: 1, editDistance, usePipeline: false });
        }
      });
      return results.slice(0, Math.max(0, limit)).map((result) => ({ productId: result.ref, score: result.score }));
    },

    size: () => documents.size,
  };
}
