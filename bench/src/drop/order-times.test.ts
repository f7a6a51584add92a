import { randomBytes } from 'node:crypto';
import { createPostgresStores, migrate } from '@limitedcart/adapter-postgres';
import { type NewOrder, newId } from '@limitedcart/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastStatusWriteAt } from './order-times.js';

const DATABASE_URL = process.env.DATABASE_URL;

const newOrder = (productId: string): NewOrder => ({
  id: newId(),
  customerId: newId(),
  productId,
  sku: 'drop-sku',
  quantity: 1,
  unitPrice: { amount: 1_000, currency: 'USD' },
  total: { amount: 1_000, currency: 'USD' },
  holdUntil: new Date(Date.now() + 600_000),
});

describe.skipIf(!DATABASE_URL)('lastStatusWriteAt', () => {
  const schema = `bench_test_${randomBytes(6).toString('hex')}`;
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    await migrate({ pool, schema });
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await pool.end();
  });

  it('is when the last of the product’s orders was moved to the status, not when it was placed', async () => {
    const { orders } = createPostgresStores({ pool, schema });
    const drop = newId();
    const [early, late] = [await orders.create(newOrder(drop)), await orders.create(newOrder(drop))];
    const other = await orders.create(newOrder(newId()));
    expect(await lastStatusWriteAt(DATABASE_URL as string, schema, drop, 'PAYMENT_PENDING')).toBeNull();

    await orders.transition(early.id, 'PAYMENT_PENDING');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const moved = await orders.transition(late.id, 'PAYMENT_PENDING');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await orders.transition(other.id, 'PAYMENT_PENDING');

    if (!moved.ok) throw new Error(`transition failed: ${moved.reason}`);
    const at = await lastStatusWriteAt(DATABASE_URL as string, schema, drop, 'PAYMENT_PENDING');
    expect(at).toBe(moved.order.updatedAt.getTime());
    expect(at).toBeGreaterThan(late.createdAt.getTime());
  });
});
