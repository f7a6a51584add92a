import type { StoreSet } from '@limitedcart/core';
import { type PostgresStoresOptions, resolveSchema } from '../options.js';
import { tableNames } from '../sql.js';
import { createAuditStore } from './audit-store.js';
import { createCustomerStore } from './customer-store.js';
import { createIdempotencyStore } from './idempotency-store.js';
import { createOrderStore } from './order-store.js';
import { createOutboxStore } from './outbox-store.js';
import { createPaymentStore } from './payment-store.js';
import { createProcessedEventStore } from './processed-event-store.js';
import { createProductStore } from './product-store.js';
import { createUnitOfWork } from './unit-of-work.js';

/**
 * Every store of core on Postgres. The stores run each call on the pool; `unitOfWork` binds the transactional
 * subset to one transaction. The schema must have been migrated (`migrate`).
 */
export const createPostgresStores = (options: PostgresStoresOptions): StoreSet => {
  const schema = resolveSchema(options.schema);
  const t = tableNames(schema);
  const { pool } = options;
  return {
    products: createProductStore(pool, t),
    customers: createCustomerStore(pool, t),
    orders: createOrderStore(pool, t),
    payments: createPaymentStore(pool, t),
    idempotency: createIdempotencyStore(pool, t),
    outbox: createOutboxStore(pool, t, schema),
    processedEvents: createProcessedEventStore(pool, t),
    unitOfWork: createUnitOfWork(pool, t, schema),
    audit: createAuditStore(pool, t),
  };
};

export { createAuditStore, createCustomerStore, createIdempotencyStore, createOrderStore, createOutboxStore, createPaymentStore };
export { createProcessedEventStore, createProductStore, createUnitOfWork };
