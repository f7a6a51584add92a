export * from './core-ports.js';
export * from './event-bus.js';
export * from './saga-runner.js';
export * from './small-ports.js';
export * from './stock-gate.js';
export * from './stock-ledger.js';
export * from './stores.js';
export * from './tokens.js';
