import { allowedSources, ORDER_STATUSES, type OrderStatus, type OrderStore } from '@limitedcart/core';
import { byIdLoader, type Executor, isPool, query, type TableNames, toNumber } from '../sql.js';
import { type OrderRow, pageBounds, toOrder } from './rows.js';

export const createOrderStore = (db: Executor, t: TableNames): OrderStore => {
  // Orders read in one turn share one statement (the starts of a drop's sagas each read their order); inside a
  // caller's transaction the statement order is the caller's, so reads go one by one.
  const reader = isPool(db) ? byIdLoader<OrderRow>(db, 'get orders', t.orders) : null;
  return {
  async create(order) {
    const [row] = await query<OrderRow>(
      db,
      'create order',
      `INSERT INTO ${t.orders}
         (id, customer_id, product_id, sku, quantity, unit_price_amount, total_amount, currency, status, hold_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'PENDING', $9) RETURNING *`,
      [
        order.id,
        order.customerId,
        order.productId,
        order.sku,
        order.quantity,
        order.unitPrice.amount,
        order.total.amount,
        order.total.currency,
        order.holdUntil,
      ],
    );
    return toOrder(row as OrderRow);
  },

  async get(id) {
    const row = reader ? await reader.load(id) : (await query<OrderRow>(db, 'get order', `SELECT * FROM ${t.orders} WHERE id = $1`, [id]))[0];
    return row ? toOrder(row) : null;
  },

  async transition(id, to, reason = null) {
    // The state machine is enforced by the WHERE clause: of two concurrent writers only one finds the order in
    // an allowed source state, so an order can never reach two terminal states.
    const [row] = await query<OrderRow>(
      db,
      'transition order',
      `UPDATE ${t.orders} SET status = $2, status_reason = $3, updated_at = clock_timestamp()
       WHERE id = $1 AND status = ANY($4::text[]) RETURNING *`,
      [id, to, reason, allowedSources(to)],
    );
    if (row) return { ok: true, order: toOrder(row) };
    const [current] = await query<{ status: OrderStatus }>(db, 'read order status', `SELECT status FROM ${t.orders} WHERE id = $1`, [
      id,
    ]);
    return current ? { ok: false, reason: 'ILLEGAL_TRANSITION', current: current.status } : { ok: false, reason: 'NOT_FOUND' };
  },

  async extendHold(id, holdUntil) {
    const [row] = await query<OrderRow>(
      db,
      'extend order hold',
      `UPDATE ${t.orders} SET hold_until = $2, updated_at = clock_timestamp()
       WHERE id = $1 AND status IN ('PENDING', 'PAYMENT_PENDING') AND hold_until < $2 RETURNING *`,
      [id, holdUntil],
    );
    if (row) return toOrder(row);
    const [current] = await query<OrderRow>(db, 'get order', `SELECT * FROM ${t.orders} WHERE id = $1`, [id]);
    return current ? toOrder(current) : null;
  },

  async list(q) {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const filter = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      values.push(value);
      conditions.push(`${column} = $${values.length}`);
    };
    filter('customer_id', q.customerId);
    filter('status', q.status);
    filter('product_id', q.productId);
    if (q.customerIds !== undefined) {
      values.push([...q.customerIds]);
      conditions.push(`customer_id = ANY($${values.length}::text[])`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const { limit, offset } = pageBounds(q.page, q.size);
    const [rows, counts] = await Promise.all([
      query<OrderRow>(
        db,
        'list orders',
        `SELECT * FROM ${t.orders} ${where} ORDER BY seq DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
        [...values, limit, offset],
      ),
      query<{ total: string }>(db, 'count orders', `SELECT count(*) AS total FROM ${t.orders} ${where}`, values),
    ]);
    return { items: rows.map(toOrder), page: q.page, size: q.size, total: Number(counts[0]?.total ?? 0) };
  },

  async countByStatus() {
    const rows = await query<{ status: OrderStatus; n: string }>(
      db,
      'count orders by status',
      `SELECT status, count(*) AS n FROM ${t.orders} GROUP BY status`,
    );
    const counts = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<OrderStatus, number>;
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  },

  async confirmedRevenue() {
    const rows = await query<{ currency: string; revenue: string }>(
      db,
      'sum confirmed revenue',
      `SELECT currency, sum(total_amount) AS revenue FROM ${t.orders} WHERE status = 'CONFIRMED'
        GROUP BY currency ORDER BY sum(total_amount) DESC, currency`,
    );
    return rows.map((row) => ({ amount: toNumber(row.revenue), currency: row.currency }));
  },
};
};
