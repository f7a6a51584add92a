/** `@limitedcart/plugin-search-lunr`: typo-tolerant product search on lunr. `lunrSearch()` is the plugin. */
export { createLunrSearchIndex, type LunrSearchOptions, queryTerms } from './lunr-index.js';
export { lunrSearch } from './plugin.js';
