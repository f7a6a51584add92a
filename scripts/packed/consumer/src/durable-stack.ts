// (b) The durable stack assembled from the published plugins, as an integrator writes it, against the real
// Postgres, pg-boss and Redis: 100 concurrent orders on 20 units, 10 paid → CONFIRMED, 10 left to expire.
// Its own schema and key prefix, dropped at the end whatever happens.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { pgBoss } from '@limitedcart/adapter-pg-boss';
import { postgres } from '@limitedcart/adapter-postgres';
import { redis } from '@limitedcart/adapter-redis';
import { createEngine, money, type Order } from '@limitedcart/core';
import { Redis } from 'ioredis';
import pg from 'pg';

const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;
if (!DATABASE_URL || !REDIS_URL) throw new Error('durable stack: DATABASE_URL and REDIS_URL are required');

const run = randomUUID().slice(0, 8);
const schema = `packed_${run}`;
const keyPrefix = `packed:${run}:`;
/** Short, so the unpaid half expires within the run; the paid half pays well inside it. */
const paymentWindowMs = 4_000;

const waitFor = async <T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`durable stack: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const engine = createEngine({
  plugins: [postgres({ connectionString: DATABASE_URL, schema }), pgBoss(), redis({ url: REDIS_URL, keyPrefix })],
  config: { paymentWindowMs },
});

try {
  await engine.start();
  const product = await engine.useCases.createProduct({ name: 'Packed sneaker', price: money(12_900), maxQuantityPerCustomer: 1 });
  await engine.useCases.restock({ productId: product.id, quantity: 20, opId: 'initial' });

  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      engine.useCases.placeOrder({ customerId: `shopper-${i}`, productId: product.id, quantity: 1 }),
    ),
  );
  const accepted = results.flatMap((result) => (result.ok ? [result.order] : []));
  assert.equal(accepted.length, 20, 'exactly the 20 units are sold: no oversell, no undersell');
  assert.ok(results.every((result) => result.ok || result.reason === 'SOLD_OUT'), 'every refused order is SOLD_OUT');

  const actorOf = (order: Order) => ({ customerId: order.customerId, roles: ['USER'] }) as const;
  const toPay = accepted.slice(0, 10);
  const toExpire = accepted.slice(10);
  await Promise.all(
    toPay.map(async (order) => {
      // The saga moves a new order to awaiting payment; until then a payment cannot start.
      const payment = await waitFor(async () => {
        const started = await engine.useCases.initiatePayment({ orderId: order.id, actor: actorOf(order) });
        return started.ok ? started : undefined;
      }, `a payment link for ${order.id}`);
      const paid = await engine.useCases.processPayment({
        token: payment.token,
        card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123', holder: 'Packed Shopper' },
      });
      assert.ok(paid.ok, `the payment of ${order.id} is captured`);
    }),
  );

  const statusOf = async (order: Order) => (await engine.useCases.getOrder({ orderId: order.id, actor: actorOf(order) })).status;
  const settled = async (orders: readonly Order[], status: string) =>
    (await Promise.all(orders.map(statusOf))).every((current) => current === status) ? true : undefined;
  await waitFor(() => settled(toPay, 'CONFIRMED'), 'the 10 paid orders to be CONFIRMED');
  await waitFor(() => settled(toExpire, 'EXPIRED'), 'the 10 unpaid orders to be EXPIRED');

  const line = await waitFor(async () => {
    const [current] = await engine.useCases.getStockSummary([product.id]);
    return current && current.held === 0 ? current : undefined;
  }, 'every hold to settle');
  const { available, held, sold, restockedTotal } = line;
  assert.equal(available + held + sold, restockedTotal, 'restocked = available + held + sold, exactly');
  assert.deepEqual({ available, held, sold, restockedTotal }, { available: 10, held: 0, sold: 10, restockedTotal: 20 });
  console.log(`durable stack: 20 of 100 accepted, 10 CONFIRMED, 10 EXPIRED; stock ${JSON.stringify({ available, held, sold, restockedTotal })}`);
} finally {
  await engine.stop();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema}_saga" CASCADE; DROP SCHEMA IF EXISTS "${schema}_saga_boss" CASCADE`);
  await pool.end();
  const client = new Redis(REDIS_URL);
  for await (const keys of client.scanStream({ match: `${keyPrefix}*`, count: 500 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await client.del(...keys);
  }
  client.disconnect();
}
