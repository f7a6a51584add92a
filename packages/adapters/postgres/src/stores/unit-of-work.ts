import type { DomainEvent, OutboxStore, TransactionalStores, UnitOfWork } from '@limitedcart/core';
import type { Pool, PoolClient } from 'pg';
import { appendStatements } from '../outbox.js';
import { commitDurably, onClient, query, type TableNames } from '../sql.js';
import { createAuditStore } from './audit-store.js';
import { setCustomerRoles } from './customer-store.js';
import { groupedOrderCreator, type OrderCreation } from './order-intake.js';
import { createOrderStore } from './order-store.js';
import { groupedOrderTransitions, type OrderTransition } from './order-transitions.js';
import { createOutboxStore } from './outbox-store.js';
import { createPaymentStore } from './payment-store.js';
import { createProductStore } from './product-store.js';

/**
 * One pooled client per `run`: BEGIN, hand out stores bound to that client, COMMIT when `work` resolves and
 * ROLLBACK when it throws.
 *
 * The commit costs one round trip and is shared with other units of work:
 * - events appended through `outbox.append` are written at commit, in the same message as the COMMIT (they are
 *   still written and NOTIFYed with the transaction or not at all; nothing reads them back inside it);
 * - that commit does not wait for the log flush (`synchronous_commit = off`), so its row locks and the NOTIFY queue
 *   lock are released at once; a synchronous commit sent after it in the same message flushes the log past it,
 *   so `run` still resolves only once its transaction is durable, and concurrent units of work share their
 *   flushes (group commit). Other transactions may see the rows a moment before they are durable; anything they
 *   commit lies later in the log, so it cannot outlive a crash that loses these rows.
 *
 * `createOrder` and `transitionOrder` commit the calls of one turn of the event loop together (group commit; see
 * `groupedOrderCreator` and `groupedOrderTransitions`).
 */
export const createUnitOfWork = (pool: Pool, t: TableNames, schema: string): UnitOfWork => {
  /** `run`, with the transaction's client also handed to `work` (for the writes `TransactionalStores` lacks). */
  const runOnClient = <T>(work: (stores: TransactionalStores, client: PoolClient) => Promise<T>): Promise<T> =>
    onClient(pool, 'unit of work', async (client) => {
      await query(client, 'unit of work', 'BEGIN');
      const pending: DomainEvent[] = [];
      const outbox: OutboxStore = {
        ...createOutboxStore(client, t, schema),
        append: async (events) => {
          pending.push(...events);
        },
      };
      const stores: TransactionalStores = {
        orders: createOrderStore(client, t),
        payments: createPaymentStore(client, t),
        products: createProductStore(client, t),
        outbox,
        // Written at once, not at commit like the outbox: audited changes are rare, and their rows are read back by nobody in the transaction.
        audit: createAuditStore(client, t),
      };
      const result = await work(stores, client);
      // One round trip for append, commit and flush.
      await query(client, 'unit of work commit', commitDurably([appendStatements(t, schema, pending)]));
      return result;
    });
  const run: UnitOfWork['run'] = (work) => runOnClient((stores) => work(stores));
  const createOne = ({ order, events }: OrderCreation) =>
    run(async (tx) => {
      const created = await tx.orders.create(order);
      await tx.outbox.append(events);
      return created;
    });
  const creator = groupedOrderCreator(pool, t, schema, createOne);
  const transitionOne = ({ id, to, reason, announce }: OrderTransition) =>
    run(async (tx) => {
      const result = await tx.orders.transition(id, to, reason);
      if (result.ok) await tx.outbox.append(announce(result.order));
      return result;
    });
  const transitions = groupedOrderTransitions(pool, t, schema, transitionOne);
  return {
    run,
    createOrder: (order, events) => creator.load({ order, events }),
    transitionOrder: (id, to, reason, announce) => transitions.load({ id, to, reason, announce }),
    // The role change (with its last-ADMIN locks) and its audit entries in one transaction.
    changeRoles: (id, roles, record) =>
      runOnClient(async (tx, client) => {
        const result = await setCustomerRoles(client, t, id, roles);
        if (result.ok) await tx.audit.append(record(result));
        return result;
      }),
  };
};
