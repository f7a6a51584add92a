import type { CardDetails, Engine, PlaceOrderResult } from '@limitedcart/core';
import { Hono } from 'hono';
import { actorOf, type ShopEnv } from './auth.js';
import { limitedCartErrorResponse, problem } from './errors.js';
import { jsonObject } from './json-body.js';
import { orderView } from './views.js';

/** The codes of the reference server's contract, so clients can target either. */
const REFUSALS: Readonly<Record<Extract<PlaceOrderResult, { ok: false }>['reason'], readonly [403 | 409 | 429, string]>> = {
  SOLD_OUT: [409, 'OUT_OF_STOCK'],
  LIMIT_EXCEEDED: [409, 'LIMIT_EXCEEDED'],
  NOT_ON_SALE: [409, 'NOT_ON_SALE'],
  RATE_LIMITED: [429, 'RATE_LIMITED'],
  ADMISSION_REQUIRED: [403, 'ADMISSION_REQUIRED'],
  ADMISSION_INVALID: [403, 'ADMISSION_INVALID'],
  ADMISSION_EXPIRED: [409, 'ADMISSION_EXPIRED'],
  ADMISSION_SPENT: [409, 'ADMISSION_SPENT'],
};

/**
 * The LimitedCart routes this host app exposes, as a sub-app to mount with `app.route(prefix, ...)`.
 * Each route is a thin translation between HTTP and one engine use case: the engine validates input,
 * enforces ownership (someone else's order is NOT_FOUND) and returns business outcomes as typed results.
 * Authentication is the host's: the routes read the caller from `c.var.user`.
 */
export function limitedCartRoutes(engine: Engine): Hono<ShopEnv> {
  const routes = new Hono<ShopEnv>();
  const { useCases } = engine;

  routes.get('/products', async (c) => {
    const { items } = await useCases.listProducts({ size: 100, actor: actorOf(c.var.user) });
    return c.json({
      items: items.map(({ product, stock }) => ({
        productId: product.id,
        name: product.name,
        price: product.price,
        maxQuantityPerCustomer: product.maxQuantityPerCustomer,
        available: stock.available,
      })),
    });
  });

  routes.post('/orders', async (c) => {
    const body = await jsonObject(c);
    const idempotencyKey = c.req.header('idempotency-key');
    const result = await useCases.placeOrder({
      customerId: c.var.user.customerId,
      productId: body.productId as string,
      quantity: body.quantity as number,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    if (!result.ok) return problem(c, ...REFUSALS[result.reason]);
    return c.json(orderView(result.order), 202);
  });

  routes.get('/orders', async (c) => {
    const page = await useCases.listOrders({ actor: actorOf(c.var.user) });
    return c.json({ items: page.items.map(orderView), total: page.total });
  });

  routes.get('/orders/:id', async (c) => {
    const order = await useCases.getOrder({ orderId: c.req.param('id'), actor: actorOf(c.var.user) });
    return c.json(orderView(order));
  });

  routes.post('/orders/:id/cancel', async (c) => {
    const result = await useCases.cancelOrder({ orderId: c.req.param('id'), actor: actorOf(c.var.user) });
    if (!result.ok) return problem(c, 409, result.reason, `the order is ${result.status}`);
    return c.json(orderView(result.order), 202);
  });

  /**
   * Pays an order in one request: the engine opens the payment (the amount is the stored order total, never a
   * client value) and charges the card through its payment gateway; the outcome reaches the order's saga. After a
   * decline the same request may be made again with another card until the hold ends (a new payment attempt).
   */
  routes.post('/orders/:id/pay', async (c) => {
    const body = await jsonObject(c);
    const opened = await useCases.initiatePayment({ orderId: c.req.param('id'), actor: actorOf(c.var.user) });
    if (!opened.ok) return problem(c, 409, opened.reason, `the order is ${opened.status}`);
    const paid = await useCases.processPayment({ token: opened.token, card: body.card as CardDetails });
    if (!paid.ok && (paid.reason === 'NOT_PROCESSABLE' || paid.reason === 'NOT_PAYABLE' || paid.reason === 'HOLD_EXPIRED')) {
      return problem(c, 409, paid.reason);
    }
    const payment = paid.ok ? 'SUCCEEDED' : paid.reason === 'DECLINED' ? 'DECLINED' : 'ERROR';
    return c.json({ paymentId: opened.paymentId, amount: opened.amount, payment });
  });

  routes.onError(limitedCartErrorResponse);
  return routes;
}
