export * from './builders.js';
export * from './once-per-event.js';
export * from './outbox-relay.js';
