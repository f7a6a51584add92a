import { waitFor } from '@limitedcart/core/testing';
import { expect } from 'vitest';
import { openSse, type SseStream } from './sse.js';
import { client, createStockedProduct, createUsers, type Json, type TestServer, VALID_CARD } from './support.js';

export const DROP = { shoppers: 300, units: 50, pay: 20, cancel: 15 } as const;
const TERMINAL = new Set(['CONFIRMED', 'CANCELLED', 'EXPIRED', 'FAILED']);

/**
 * A payment window short enough to watch unpaid orders expire within the test, and long enough that paying
 * finishes first even on a loaded 2-core CI machine: a hold lapses at holdUntil whether or not a payment is
 * on its way, and an order paid after that ends FAILED ("stock hold lost"), which is correct but not this test.
 */
export const DROP_ENV = { PAYMENT_WINDOW_SECONDS: '35', HOLD_SWEEP_INTERVAL_MS: '250' };

/**
 * A drop over real HTTP: 300 concurrent shoppers (registered and holding tokens before the burst) on 50 units
 * with a limit of 1. Exactly the stock is sold; some winners pay, some cancel, the rest let the window lapse;
 * every order ends in exactly one terminal state, the stock invariant holds exactly, and the SSE streams of
 * a few shoppers see each transition in order.
 */
export async function runDrop(server: TestServer): Promise<void> {
  const SHOPPERS = DROP.shoppers;
  const UNITS = DROP.units;
  const PAY = DROP.pay;
  const CANCEL = DROP.cancel;
  const EXPIRE = UNITS - PAY - CANCEL;
  const api = client(server.url);
  const shoppers = await createUsers(server, SHOPPERS, ['USER'], 'shopper');
  const admin = (await createUsers(server, 1, ['ADMIN'], 'admin'))[0]!;
  const product = await createStockedProduct(server, { units: UNITS, limit: 1, price: 18_900, name: 'Drop sneaker' });

  const responses = await Promise.all(
    shoppers.map((shopper) => api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: shopper.token })),
  );
  const accepted = responses.flatMap((response, index) => (response.status === 202 ? [{ shopper: shoppers[index]!, order: response.body }] : []));
  const rejected = responses.filter((response) => response.status === 409);
  expect(accepted).toHaveLength(UNITS);
  expect(rejected).toHaveLength(SHOPPERS - UNITS);
  for (const response of rejected) {
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.code).toBe('OUT_OF_STOCK');
  }
  for (const { order } of accepted) {
    expect(order.status === 'PENDING' || order.status === 'PAYMENT_PENDING').toBe(true);
    expect(order.total).toEqual({ amount: 18_900, currency: 'USD' });
    expect(Date.parse(order.holdUntil)).toBeGreaterThan(Date.now());
  }

  // A second attempt by a winner meets the per-customer limit, not the stock.
  const again = await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: accepted[0]!.shopper.token });
  expect(again.status).toBe(409);

  const payers = accepted.slice(0, PAY);
  const cancellers = accepted.slice(PAY, PAY + CANCEL);
  const expirers = accepted.slice(PAY + CANCEL);
  expect(expirers).toHaveLength(EXPIRE);

  // Streams of a few shoppers of each fate; `Last-Event-ID` of an unknown id replays what they missed.
  const watched = [payers[0]!, payers[1]!, cancellers[0]!, cancellers[1]!, expirers[0]!, expirers[1]!];
  const streams = new Map<string, SseStream>();
  for (const { shopper, order } of watched) {
    streams.set(order.orderId, await openSse(`${server.url}/api/notifications/stream`, { authorization: `Bearer ${shopper.token}`, 'last-event-id': 'none' }));
  }

  const paid = await Promise.all(
    payers.map(async ({ shopper, order }) => {
      const initiated = await api.post('/api/payments/initiate', { orderId: order.orderId }, { token: shopper.token });
      expect(initiated.status).toBe(201);
      expect(initiated.body.amount).toEqual({ amount: 18_900, currency: 'USD' });
      const token = String(initiated.body.paymentLink).split('/pay/')[1];
      const processed = await api.post('/api/payments/process', { token, card: VALID_CARD });
      expect(processed.status).toBe(200);
      return initiated.body.paymentId as string;
    }),
  );
  const cancelled = await Promise.all(
    cancellers.map(({ shopper, order }) => api.post(`/api/orders/${order.orderId}/cancel`, undefined, { token: shopper.token })),
  );
  for (const response of cancelled) expect(response.status).toBe(200);

  const finalOrders = await waitFor(
    async () => {
      const orders = await Promise.all(
        accepted.map(async ({ shopper, order }) => (await api.get(`/api/orders/${order.orderId}`, { token: shopper.token })).body.order as Json),
      );
      return orders.every((order) => TERMINAL.has(order.status)) ? orders : null;
    },
    { timeoutMs: 90_000, intervalMs: 500, message: 'every accepted order to end' },
  );
  const statusOf = new Map<string, string>(finalOrders.map((order: Json) => [order.id, order.status]));
  const reasonOf = new Map<string, string>(finalOrders.map((order: Json) => [order.id, order.statusReason]));
  const fate = (orderId: string) => `${statusOf.get(orderId)} (${reasonOf.get(orderId) ?? 'no reason'})`;
  for (const { order } of payers) expect(statusOf.get(order.orderId), fate(order.orderId)).toBe('CONFIRMED');
  for (const { order } of cancellers) expect(statusOf.get(order.orderId), fate(order.orderId)).toBe('CANCELLED');
  for (const { order } of expirers) expect(statusOf.get(order.orderId), fate(order.orderId)).toBe('EXPIRED');

  // Stock invariant, exactly: restocked = available + held + sold, and sold = confirmed units.
  const stock = await waitFor(
    async () => {
      const line = (await api.get(`/api/inventory/stock?productId=${product.id}`, { token: admin.token })).body.items[0];
      return line.held === 0 ? line : null;
    },
    { timeoutMs: 20_000, message: 'every hold to settle' },
  );
  expect(stock).toMatchObject({ restockedTotal: UNITS, sold: PAY, held: 0, available: UNITS - PAY });

  for (const paymentId of paid) {
    const owner = payers[paid.indexOf(paymentId)]!.shopper;
    expect((await api.get(`/api/payments/${paymentId}`, { token: owner.token })).body.payment.status).toBe('SUCCEEDED');
  }

  // An expired order cannot be paid or cancelled any more.
  const late = expirers[0]!;
  expect((await api.post('/api/payments/initiate', { orderId: late.order.orderId }, { token: late.shopper.token })).body.code).toBe('NOT_PAYABLE');
  expect((await api.post(`/api/orders/${late.order.orderId}/cancel`, undefined, { token: late.shopper.token })).body.code).toBe('NOT_CANCELLABLE');

  const expected = new Map<string, string>(watched.map(({ order }) => [order.orderId, statusOf.get(order.orderId)!]));
  await waitFor(
    () =>
      [...streams].every(([orderId, stream]) =>
        stream.events.some((event) => event.event === 'order.progress' && JSON.parse(event.data).status === expected.get(orderId)),
      ),
    { timeoutMs: 15_000, message: 'each watched stream to see its final status' },
  );
  for (const [orderId, stream] of streams) {
    const progress = stream.events.filter((event) => event.event === 'order.progress').map((event) => JSON.parse(event.data));
    expect(progress.every((event) => event.orderId === orderId)).toBe(true);
    expect(progress.map((event) => event.status)).toEqual(['PAYMENT_PENDING', expected.get(orderId)]);
    const ids = stream.events.filter((event) => event.event === 'order.progress').map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    stream.close();
  }

  const metrics = await api.get('/metrics', { token: admin.token });
  expect(metrics.body).toContain(`limitedcart_orders_total{outcome="accepted"} ${UNITS}`);
  expect(metrics.body).toContain(`limitedcart_orders_total{outcome="OUT_OF_STOCK"} ${SHOPPERS - UNITS}`);
}
