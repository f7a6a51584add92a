import type { Engine, PlaceOrderRejection } from '@limitedcart/core';
import { Hono } from 'hono';
import { actorOf, type ShopEnv } from './auth.js';
import { parseCard } from './card.js';
import { limitedCartErrorResponse, problem } from './errors.js';
import { jsonObject } from './json-body.js';
import { orderView, stockView } from './views.js';

/** The HTTP codes of the reference server's contract, so clients can target either. */
const REJECTION_CODES: Readonly<Record<PlaceOrderRejection, string>> = {
  SOLD_OUT: 'OUT_OF_STOCK',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  NOT_ON_SALE: 'NOT_ON_SALE',
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
    const { items } = await engine.ports.products.list({ page: 0, size: 100 });
    const stock = await useCases.getStockSummary(items.map((product) => product.id));
    const available = new Map(stock.map((line) => [line.productId, stockView(line).available]));
    return c.json({
      items: items.map((product) => ({
        productId: product.id,
        name: product.name,
        price: product.price,
        maxQuantityPerCustomer: product.maxQuantityPerCustomer,
        available: available.get(product.id) ?? 0,
      })),
    });
  });

  routes.post('/orders', async (c) => {
    const body = await jsonObject(c);
    const result = await useCases.placeOrder({
      customerId: c.var.user.customerId,
      productId: body.productId as string,
      quantity: body.quantity as number,
    });
    if (!result.ok) return problem(c, 409, REJECTION_CODES[result.reason]);
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
   * Pays an order in one request: the engine opens the payment (the amount is the stored order total, never
   * a client value), the gateway port charges the card, and the result goes back to the engine, which
   * signals the order's saga. A host with an asynchronous provider calls `handlePaymentResult` from its
   * webhook instead.
   */
  routes.post('/orders/:id/pay', async (c) => {
    const body = await jsonObject(c);
    const card = parseCard(body.card);
    const opened = await useCases.initiatePayment({ orderId: c.req.param('id'), actor: actorOf(c.var.user) });
    if (!opened.ok) return problem(c, 409, opened.reason, `the order is ${opened.status}`);
    const charge = await engine.ports.paymentGateway.charge({ paymentId: opened.paymentId, amount: opened.amount, card });
    const outcome = await useCases.handlePaymentResult(
      charge.outcome === 'succeeded'
        ? { paymentId: opened.paymentId, outcome: 'succeeded', reference: charge.reference }
        : { paymentId: opened.paymentId, outcome: charge.outcome, reason: charge.reason },
    );
    return c.json({ paymentId: opened.paymentId, amount: opened.amount, payment: outcome.payment.status });
  });

  routes.onError(limitedCartErrorResponse);
  return routes;
}
