export * from './lunr-index.js';
