export * from './event-bus-contract.js';
export * from './reserve-request.js';
export * from './saga-runner-contract.js';
export * from './stock-gate-contract.js';
export * from './store-contracts/index.js';
export * from './wait-for.js';
