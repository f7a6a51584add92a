import type { EndStatus, OrderSagaActivities } from '@limitedcart/core/saga';
import { LimitedCartError } from '@limitedcart/core';
import type { Pool } from 'pg';

/**
 * A tiny durable order book for the crash test: one row per order (status + stock hold), every terminal
 * transition and every refund recorded, every activity call logged with the worker that made it. Each
 * activity is one idempotent conditional statement, like the production activities.
 */
export const crashSchemaSql = (schema: string): string => `
  CREATE SCHEMA ${schema};
  CREATE TABLE ${schema}.orders (
    order_id text PRIMARY KEY,
    status text NOT NULL DEFAULT 'PENDING',
    reason text,
    hold text NOT NULL DEFAULT 'held' CHECK (hold IN ('held', 'sold', 'released'))
  );
  CREATE TABLE ${schema}.transitions (id bigserial PRIMARY KEY, order_id text NOT NULL, status text NOT NULL);
  CREATE TABLE ${schema}.refunds (payment_id text PRIMARY KEY, order_id text NOT NULL);
  CREATE TABLE ${schema}.activity_calls (id bigserial PRIMARY KEY, order_id text NOT NULL, activity text NOT NULL, worker text NOT NULL);
`;

export interface PgActivitiesOptions {
  readonly pool: Pool;
  readonly schema: string;
  /** Recorded with every call, to tell which worker did the work. */
  readonly worker: string;
  /** Each call sleeps this long inside Postgres before its effect, so a kill lands mid-call. */
  readonly delayMs: number;
}

export const createPgActivities = ({ pool, schema, worker, delayMs }: PgActivitiesOptions): OrderSagaActivities => {
  const enter = async (activity: keyof OrderSagaActivities, orderId: string): Promise<void> => {
    await pool.query(`INSERT INTO ${schema}.activity_calls (order_id, activity, worker) VALUES ($1, $2, $3)`, [
      orderId,
      activity,
      worker,
    ]);
    await pool.query('SELECT pg_sleep($1)', [delayMs / 1000]);
  };

  /** Moves an open order to `to` and records the transition in the same statement; a repeat is a no-op. */
  const transition = async (orderId: string, to: string, reason: string | null): Promise<void> => {
    const moved = await pool.query(
      `WITH moved AS (
         UPDATE ${schema}.orders SET status = $2, reason = $3
         WHERE order_id = $1 AND status IN ('PENDING', 'PAYMENT_PENDING') AND status <> $2
         RETURNING order_id, status)
       INSERT INTO ${schema}.transitions (order_id, status) SELECT order_id, status FROM moved RETURNING id`,
      [orderId, to, reason],
    );
    if (moved.rowCount === 1) return;
    const current = await pool.query<{ status: string }>(`SELECT status FROM ${schema}.orders WHERE order_id = $1`, [orderId]);
    const status = current.rows[0]?.status;
    if (status === undefined) throw new LimitedCartError('NOT_FOUND', `order ${orderId} not found`);
    if (status !== to) throw new LimitedCartError('ILLEGAL_TRANSITION', `order ${orderId} is ${status}, not ${to}`);
  };

  return {
    async markPaymentPending(orderId) {
      await enter('markPaymentPending', orderId);
      await transition(orderId, 'PAYMENT_PENDING', null);
    },
    async commitStock(orderId) {
      await enter('commitStock', orderId);
      const sold = await pool.query(
        `UPDATE ${schema}.orders SET hold = 'sold' WHERE order_id = $1 AND hold IN ('held', 'sold') RETURNING 1`,
        [orderId],
      );
      return sold.rowCount === 1;
    },
    async releaseStock(orderId) {
      await enter('releaseStock', orderId);
      await pool.query(`UPDATE ${schema}.orders SET hold = 'released' WHERE order_id = $1 AND hold = 'held'`, [orderId]);
    },
    async confirmOrder(orderId) {
      await enter('confirmOrder', orderId);
      await transition(orderId, 'CONFIRMED', null);
    },
    async endOrder(orderId, status: EndStatus, reason) {
      await enter('endOrder', orderId);
      await transition(orderId, status, reason);
    },
    async refundPayment(orderId, paymentId) {
      await enter('refundPayment', orderId);
      await pool.query(`INSERT INTO ${schema}.refunds (payment_id, order_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        paymentId,
        orderId,
      ]);
    },
  };
};
