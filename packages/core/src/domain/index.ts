export * from './customer.js';
export * from './errors.js';
export * from './events.js';
export * from './ids.js';
export * from './money.js';
export * from './order.js';
export * from './payment.js';
export * from './product.js';
