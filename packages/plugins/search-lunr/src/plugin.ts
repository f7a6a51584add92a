import { definePlugin, type Plugin } from '@limitedcart/core';
import { createLunrSearchIndex, type LunrSearchOptions } from './lunr-index.js';

/**
 * Typo-tolerant product search on lunr as the engine's `searchIndex`. The index lives in each process: the engine
 * fills it from the catalogue when an `api` process starts and keeps it current from `product.changed` events.
 *
 * ```ts
 * createEngine({ plugins: [lunrSearch({ editDistance: 1 })] });
 * ```
 */
export function lunrSearch(options: LunrSearchOptions = {}): Plugin {
  return definePlugin({
    name: 'search-lunr',
    setup(ctx) {
      ctx.provide({ searchIndex: { useFactory: () => createLunrSearchIndex(options) } });
    },
  });
}
