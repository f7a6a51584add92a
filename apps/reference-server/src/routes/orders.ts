import { createRoute, z } from '@hono/zod-openapi';
import type { PlaceOrderRejection } from '@limitedcart/core';
import { actorOf, authenticate, requireRole } from '../http/auth.js';
import { clientIp } from '../http/client-ip.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { idempotent, type StoredResponse } from '../http/idempotency.js';
import { ApiProblem, problemBody } from '../http/problem.js';
import { limitCheck } from '../http/rate-limit.js';
import { mount, router } from '../http/route.js';
import {
  AUTH_PROBLEMS,
  BEARER,
  IdempotencyHeader,
  IdParam,
  jsonBody,
  jsonContent,
  OrderAcceptedSchema,
  OrderSchema,
  OrderStatusSchema,
  PagingQuery,
  PlaceOrderBody,
  pageOf,
  problem,
} from './schemas.js';
import { orderView } from './views.js';

/**
 * HTTP codes of the gate's rejections. All three are 409: the request is well-formed and the conflict is with
 * the product's current state (sold out, the caller's limit, not on sale yet or any more).
 */
const REJECTION_CODES: Record<PlaceOrderRejection, string> = {
  SOLD_OUT: 'OUT_OF_STOCK',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  NOT_ON_SALE: 'NOT_ON_SALE',
};
const REJECTION_DETAILS: Record<PlaceOrderRejection, string> = {
  SOLD_OUT: 'the product is sold out',
  LIMIT_EXCEEDED: 'this order would exceed your per-customer limit for the product',
  NOT_ON_SALE: 'the product is not on sale',
};

const ListQuery = PagingQuery.extend({
  status: OrderStatusSchema.optional(),
  productId: z.string().min(1).max(200).optional(),
  customerId: z.string().min(1).max(200).optional().openapi({ description: 'ADMIN only; ignored for others.' }),
});

const MINUTE = 60_000;

export function orderRoutes(deps: AppDeps) {
  const app = router();
  const { engine, tokens, limits, metrics } = deps;
  const signedIn = authenticate(tokens);
  // Counted after the precheck: a refusal known in advance costs less than the round trip that would count it.
  const orderLimits = limitCheck<AppEnv>(
    deps.rateLimiter,
    [
      {
        key: (c) => `orders:customer:${c.get('principal').customerId}`,
        limit: limits.ordersPerCustomerPerMinute,
        windowMs: MINUTE,
      },
      { key: (c) => `orders:ip:${clientIp(c, limits.trustProxy)}`, limit: limits.ordersPerIpPerMinute, windowMs: MINUTE },
    ],
    // Both counted in one round trip: this route is the hot path of a drop.
    { concurrent: true },
  );

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/',
      tags: ['orders'],
      summary: 'Buy: hold stock for the payment window and start the order saga',
      security: BEARER,
      middleware: [
        signedIn,
        requireRole('USER'),
      ] as const,
      request: { headers: IdempotencyHeader, ...jsonBody(PlaceOrderBody) },
      responses: {
        202: jsonContent(OrderAcceptedSchema, 'Accepted: stock is held until `holdUntil`; pay before then.'),
        400: problem('Invalid body (`VALIDATION`, `MALFORMED_JSON`).'),
        404: problem('No such product.'),
        409: problem('`OUT_OF_STOCK`, `LIMIT_EXCEEDED`, `NOT_ON_SALE`, or `IDEMPOTENCY_IN_FLIGHT`.'),
        422: problem('The Idempotency-Key was used with another body (`IDEMPOTENCY_MISMATCH`).'),
        429: problem(
          'Too many orders from this customer or address (`RATE_LIMITED`). Attempts answered 409 from what is already known (sold out, over the limit, not on sale) are not counted.',
        ),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { customerId } = c.get('principal');
      const input = { customerId, ...body };
      const rejected = (reason: PlaceOrderRejection): StoredResponse => {
        const code = REJECTION_CODES[reason];
        metrics.orderOutcome(code);
        // A rejection changed nothing: the key is not kept, so a retry (after a restock, say) is decided anew.
        return { status: 409, body: problemBody(c, 409, code, REJECTION_DETAILS[reason]), remember: false };
      };
      const place = async (): Promise<StoredResponse> => {
        const result = await engine.useCases.placeOrder(input);
        if (!result.ok) return rejected(result.reason);
        metrics.orderOutcome('accepted');
        const { order } = result;
        return {
          status: 202,
          body: { orderId: order.id, status: order.status, holdUntil: order.holdUntil.toISOString(), total: order.total },
        };
      };
      // During a drop nearly every attempt after the last unit is answered here, before any write.
      const precheck = async (): Promise<StoredResponse | null> => {
        const reason = await engine.useCases.precheckOrder(input);
        return reason === null ? null : rejected(reason);
      };
      return idempotent(c, engine.ports.idempotency, `orders.place:${customerId}`, body, place, {
        precheck,
        admit: () => orderLimits(c),
      });
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/',
      tags: ['orders'],
      summary: "The caller's orders (ADMIN: everyone's)",
      security: BEARER,
      middleware: [signedIn] as const,
      request: { query: ListQuery },
      responses: { 200: jsonContent(pageOf(OrderSchema, 'OrderPage'), 'Newest first.'), ...AUTH_PROBLEMS },
    }),
    async (c) => {
      const { page, size, status, productId, customerId } = c.req.valid('query');
      const result = await engine.useCases.listOrders({ actor: actorOf(c), page, size, status, productId, customerId });
      return c.json({ items: result.items.map(orderView), page, size, total: result.total }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['orders'],
      summary: 'One order (owner or ADMIN; anyone else gets 404)',
      security: BEARER,
      middleware: [signedIn] as const,
      request: { params: IdParam },
      responses: { 200: jsonContent(z.object({ order: OrderSchema }), 'The order.'), 404: problem('No such order.'), ...AUTH_PROBLEMS },
    }),
    async (c) => {
      const order = await engine.useCases.getOrder({ orderId: c.req.valid('param').id, actor: actorOf(c) });
      return c.json({ order: orderView(order) }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/{id}/cancel',
      tags: ['orders'],
      summary: 'Cancel an open order (owner or ADMIN); its hold is released',
      security: BEARER,
      middleware: [signedIn] as const,
      request: { params: IdParam },
      responses: {
        200: jsonContent(z.object({ order: OrderSchema }), 'Accepted; `order.progress` reports CANCELLED.'),
        404: problem('No such order.'),
        409: problem('The order already ended or is confirmed (`NOT_CANCELLABLE`).'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const result = await engine.useCases.cancelOrder({ orderId: c.req.valid('param').id, actor: actorOf(c) });
      if (!result.ok) {
        throw new ApiProblem(409, 'NOT_CANCELLABLE', `the order is ${result.status} and can no longer be cancelled`, {
          orderStatus: result.status,
        });
      }
      return c.json({ order: orderView(result.order) }, 200);
    },
  );

  return app;
}
