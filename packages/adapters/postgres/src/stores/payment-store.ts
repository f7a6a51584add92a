import type { PaymentStore } from '@limitedcart/core';
import { type Executor, query, type TableNames } from '../sql.js';
import { type PaymentRow, toPayment } from './rows.js';

export const createPaymentStore = (db: Executor, t: TableNames): PaymentStore => ({
  async create(payment) {
    const [row] = await query<PaymentRow>(
      db,
      'create payment',
      `INSERT INTO ${t.payments} (id, order_id, customer_id, amount, currency, status, token)
       VALUES ($1, $2, $3, $4, $5, 'INITIATED', $6) RETURNING *`,
      [payment.id, payment.orderId, payment.customerId, payment.amount.amount, payment.amount.currency, payment.token],
    );
    return toPayment(row as PaymentRow);
  },

  async get(id) {
    const [row] = await query<PaymentRow>(db, 'get payment', `SELECT * FROM ${t.payments} WHERE id = $1`, [id]);
    return row ? toPayment(row) : null;
  },

  async getByToken(token) {
    const [row] = await query<PaymentRow>(db, 'get payment by token', `SELECT * FROM ${t.payments} WHERE token = $1`, [token]);
    return row ? toPayment(row) : null;
  },

  async listByOrder(orderId) {
    const rows = await query<PaymentRow>(
      db,
      'list payments of order',
      `SELECT * FROM ${t.payments} WHERE order_id = $1 ORDER BY seq`,
      [orderId],
    );
    return rows.map(toPayment);
  },

  async setStatus(id, from, to, fields = {}) {
    // Fields left out keep their value; fields given as null clear it.
    const [row] = await query<PaymentRow>(
      db,
      'set payment status',
      `UPDATE ${t.payments}
       SET status = $2,
           gateway_reference = CASE WHEN $4 THEN $5 ELSE gateway_reference END,
           failure_reason = CASE WHEN $6 THEN $7 ELSE failure_reason END,
           updated_at = clock_timestamp()
       WHERE id = $1 AND status = ANY($3::text[]) RETURNING *`,
      [
        id,
        to,
        [...from],
        fields.gatewayReference !== undefined,
        fields.gatewayReference ?? null,
        fields.failureReason !== undefined,
        fields.failureReason ?? null,
      ],
    );
    return row ? toPayment(row) : null;
  },
});
