// reflect-metadata must load before tsyringe evaluates.
import 'reflect-metadata';

export * from './domain/index.js';
export * from './engine/index.js';
export * from './events/index.js';
export * from './memory/index.js';
export * from './ports/index.js';
export * from './pricing/local-price-cache.js';
export * from './saga/index.js';
export * from './saga-activities.js';
export * from './stock/sold-out-cache.js';
export * from './use-cases/index.js';
