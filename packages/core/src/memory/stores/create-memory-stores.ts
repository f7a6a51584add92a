import type { StoreSet } from '../../ports/stores.js';
import { MemoryAuditStore } from './audit-store.js';
import { MemoryCustomerStore } from './customer-store.js';
import { MemoryDatabase, type MemoryDatabaseOptions } from './database.js';
import { MemoryIdempotencyStore } from './idempotency-store.js';
import { MemoryOrderStore } from './order-store.js';
import { MemoryOutboxStore } from './outbox-store.js';
import { MemoryPaymentStore } from './payment-store.js';
import { MemoryProcessedEventStore } from './processed-event-store.js';
import { MemoryProductStore } from './product-store.js';
import { MemoryUnitOfWork } from './unit-of-work.js';

export type MemoryStoresOptions = MemoryDatabaseOptions;

/** Every store over one in-memory database, so the unit of work spans them like a database transaction. */
export function createMemoryStores(options: MemoryStoresOptions = {}): StoreSet {
  const db = new MemoryDatabase(options);
  return {
    products: new MemoryProductStore(db),
    customers: new MemoryCustomerStore(db),
    orders: new MemoryOrderStore(db),
    payments: new MemoryPaymentStore(db),
    idempotency: new MemoryIdempotencyStore(db),
    outbox: new MemoryOutboxStore(db),
    processedEvents: new MemoryProcessedEventStore(db),
    unitOfWork: new MemoryUnitOfWork(db),
    audit: new MemoryAuditStore(db),
  };
}
