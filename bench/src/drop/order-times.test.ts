import { randomBytes } from 'node:crypto';
import { createPostgresStores, migrate } from '@limitedcart/adapter-postgres';
import { newId, type NewOrder } from '@limitedcart/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOverTime, statusWriteTimes } from './order-times.js';

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

describe('countOverTime', () => {
  it('counts per bucket from the start, with empty buckets in between and earlier times in the first', () => {
    expect(countOverTime([900, 1_000, 1_499, 1_500, 2_600], 1_000, 500)).toEqual([3, 1, 0, 1]);
    expect(countOverTime([], 0, 500)).toEqual([]);
  });
});

describe.skipIf(!DATABASE_URL)('statusWriteTimes', () => {
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

  it('are the times the product’s orders were moved to the status, not when they were placed, in order', async () => {
    const { orders } = createPostgresStores({ pool, schema });
    const drop = newId();
    const [early, late, pending] = [await orders.create(newOrder(drop)), await orders.create(newOrder(drop)), await orders.create(newOrder(drop))];
    const other = await orders.create(newOrder(newId()));
    expect(await statusWriteTimes(DATABASE_URL as string, schema, drop, 'PAYMENT_PENDING')).toEqual([]);

    // Moved in the opposite order to their placing.
    const second = await orders.transition(late.id, 'PAYMENT_PENDING');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const first = await orders.transition(early.id, 'PAYMENT_PENDING');
    await orders.transition(other.id, 'PAYMENT_PENDING');

    if (!first.ok || !second.ok) throw new Error('transition failed');
    const times = await statusWriteTimes(DATABASE_URL as string, schema, drop, 'PAYMENT_PENDING');
    expect(times).toEqual([second.order.updatedAt.getTime(), first.order.updatedAt.getTime()]);
    expect(times[1]).toBeGreaterThan(pending.createdAt.getTime());
  });
});
