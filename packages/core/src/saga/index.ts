export * from './activities.js';
export * from './compensation.js';
export * from './context.js';
export * from './order-saga.js';
export * from './retry.js';
export type { OrderSagaInput, SagaSignal } from '../ports/saga-runner.js';
