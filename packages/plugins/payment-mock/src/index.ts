export * from './cards.js';
export * from './gateway.js';
export * from './webhook-signature.js';
