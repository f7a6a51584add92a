import type { DomainEvent, NewOrder, Order } from '@limitedcart/core';
import DataLoader from 'dataloader';
import { escapeLiteral, type Pool, type QueryResult } from 'pg';
import { isConnectionBroken, toError, toLimitedCartError } from '../errors.js';
import { appendStatements } from '../outbox.js';
import { commitDurably, onClient, perTurn, type TableNames } from '../sql.js';
import { type OrderRow, toOrder } from './rows.js';

export interface OrderCreation {
  readonly order: NewOrder;
  readonly events: readonly DomainEvent[];
}

const orderValues = (order: NewOrder): string =>
  [
    order.id,
    order.customerId,
    order.productId,
    order.sku,
    String(order.quantity),
    String(order.unitPrice.amount),
    String(order.total.amount),
    order.total.currency,
    'PENDING',
    order.holdUntil.toISOString(),
  ]
    .map(escapeLiteral)
    .join(', ');

/**
 * Every creation of the group in one transaction and one round trip: BEGIN, a multi-row INSERT of the orders, the
 * outbox rows and NOTIFY of all their events, COMMIT and the flush, as one simple-protocol message (hence escaped
 * literals). A failing statement rolls the whole group back.
 */
const createAll = async (pool: Pool, t: TableNames, schema: string, group: readonly OrderCreation[]): Promise<Order[]> => {
  const insert = `INSERT INTO ${t.orders}
    (id, customer_id, product_id, sku, quantity, unit_price_amount, total_amount, currency, status, hold_until)
    VALUES (${group.map((creation) => orderValues(creation.order)).join('), (')}) RETURNING *`;
  const append = appendStatements(
    t,
    schema,
    group.flatMap((creation) => creation.events),
  );
  // The explicit BEGIN outlives a failed message: `onClient` leaves the aborted transaction before releasing.
  return onClient(pool, 'create orders', async (client) => {
    const results = (await client.query(`BEGIN; ${commitDurably([insert, append])}`)) as unknown as QueryResult<OrderRow>[];
    const rows = new Map((results[2] as QueryResult<OrderRow>).rows.map((row) => [row.id, row]));
    return group.map((creation) => toOrder(rows.get(creation.order.id) as OrderRow));
  });
};

/**
 * Order creations of concurrent requests, committed together: the creations that arrive in one turn of the event
 * loop share one transaction, one round trip and one log flush (group commit), and each caller is answered once
 * the group is durable. During a drop the stock gate answers reservations in groups, so the orders that follow
 * arrive together.
 *
 * A group whose statement fails (one order's id already exists, say) is written again one creation at a time with
 * `createOne`, so only the offending creation fails and the others commit. A broken connection fails the whole
 * group instead: whether it committed is unknown, and writing it again could commit an order twice.
 */
export const groupedOrderCreator = (
  pool: Pool,
  t: TableNames,
  schema: string,
  createOne: (creation: OrderCreation) => Promise<Order>,
) =>
  new DataLoader<OrderCreation, Order>(
    async (group) => {
      try {
        return await createAll(pool, t, schema, group);
      } catch (error) {
        if (group.length === 1 || isConnectionBroken(error)) throw toLimitedCartError(error, 'create orders');
        return Promise.all(group.map((creation) => createOne(creation).catch((one: unknown) => toError(one))));
      }
    },
    perTurn(100),
  );
