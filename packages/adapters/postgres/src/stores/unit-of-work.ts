import type { TransactionalStores, UnitOfWork } from '@limitedcart/core';
import type { Pool } from 'pg';
import { inTransaction, type TableNames } from '../sql.js';
import { createOrderStore } from './order-store.js';
import { createOutboxStore } from './outbox-store.js';
import { createPaymentStore } from './payment-store.js';
import { createProductStore } from './product-store.js';

/**
 * One pooled client per `run`: BEGIN, hand out stores bound to that client, COMMIT when `work` resolves and
 * ROLLBACK when it throws. Outbox appends made through these stores NOTIFY on commit only.
 */
export const createUnitOfWork = (pool: Pool, t: TableNames, schema: string): UnitOfWork => ({
  run: (work) =>
    inTransaction(pool, 'unit of work', (client) => {
      const stores: TransactionalStores = {
        orders: createOrderStore(client, t),
        payments: createPaymentStore(client, t),
        products: createProductStore(client, t),
        outbox: createOutboxStore(client, t, schema),
      };
      return work(stores);
    }),
});
