export * from './hub.js';
export * from './stream-route.js';
