import type { Product } from '../domain/product.js';
import type { SearchHit, SearchIndex } from '../ports/small-ports.js';

const tokenize = (text: string): string[] =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0);

/** True when `a` becomes `b` with at most one insertion, deletion or substitution. */
export const withinOneEdit = (a: string, b: string): boolean => {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < shorter.length && j < longer.length) {
    if (shorter[i] === longer[j]) {
      i += 1;
      j += 1;
      continue;
    }
    edits += 1;
    if (edits > 1) return false;
    if (shorter.length === longer.length) i += 1;
    j += 1;
  }
  return edits + (longer.length - j) + (shorter.length - i) <= 1;
};

interface Entry {
  readonly nameTokens: readonly string[];
  readonly textTokens: readonly string[];
}

/** Score of one query token against a document's tokens: exact > prefix > one typo. */
const tokenScore = (query: string, tokens: readonly string[]): number => {
  let best = 0;
  for (const token of tokens) {
    if (token === query) return 1;
    if (query.length >= 2 && token.startsWith(query)) best = Math.max(best, 0.75);
    else if (query.length >= 3 && withinOneEdit(query, token)) best = Math.max(best, 0.5);
  }
  return best;
};

/**
 * A small in-process search index: token match with prefix and one-typo tolerance, name matches weighted
 * above description matches. Good for tests and small catalogues; the lunr plugin is the real one.
 */
export const createMemorySearchIndex = (): SearchIndex => {
  const entries = new Map<string, Entry>();
  return {
    async upsert(product: Product) {
      if (!product.active || product.archived) {
        entries.delete(product.id);
        return;
      }
      entries.set(product.id, {
        nameTokens: tokenize(product.name),
        textTokens: tokenize(`${product.name} ${product.description}`),
      });
    },
    async remove(productId) {
      entries.delete(productId);
    },
    async search(query, limit) {
      const queryTokens = tokenize(query);
      if (queryTokens.length === 0 || limit <= 0) return [];
      const hits: SearchHit[] = [];
      for (const [productId, entry] of entries) {
        let score = 0;
        for (const token of queryTokens) {
          score += 2 * tokenScore(token, entry.nameTokens) + tokenScore(token, entry.textTokens);
        }
        if (score > 0) hits.push({ productId, score });
      }
      hits.sort((a, b) => b.score - a.score || a.productId.localeCompare(b.productId));
      return hits.slice(0, limit);
    },
  };
};
