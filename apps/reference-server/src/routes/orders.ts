import { createRoute, z } from '@hono/zod-openapi';
import type { PlaceOrderResult } from '@limitedcart/core';
import { actorOf, authenticate, requireRole } from '../http/auth.js';
import { clientIp } from '../http/client-ip.js';
import type { AppDeps } from '../http/context.js';
import { IDEMPOTENCY_HEADER, replayedHeader } from '../http/idempotency-key.js';
import { ApiProblem, problemResponse } from '../http/problem.js';
import { mount, router } from '../http/route.js';
import {
  AUTH_PROBLEMS,
  BEARER,
  IdempotencyHeader,
  IdParam,
  jsonBody,
  jsonContent,
  nonBlankText,
  OrderAcceptedSchema,
  OrderSchema,
  OrderStatusSchema,
  PagingQuery,
  PaymentSchema,
  PlaceOrderBody,
  pageOf,
  problem,
} from './schemas.js';
import { orderView, paymentView } from './views.js';

type Refusal = Extract<PlaceOrderResult, { ok: false }>['reason'];

/**
 * HTTP answers of the refusals. The gate's are 409: the request is well-formed and the conflict is with the product's
 * current state (sold out, the caller's limit, not on sale yet or any more).
 */
const REFUSALS: Record<Refusal, { readonly status: 403 | 409 | 429; readonly code: string; readonly detail: string }> = {
  SOLD_OUT: { status: 409, code: 'OUT_OF_STOCK', detail: 'the product is sold out' },
  LIMIT_EXCEEDED: { status: 409, code: 'LIMIT_EXCEEDED', detail: 'this order would exceed your per-customer limit for the product' },
  NOT_ON_SALE: { status: 409, code: 'NOT_ON_SALE', detail: 'the product is not on sale' },
  RATE_LIMITED: { status: 429, code: 'RATE_LIMITED', detail: 'too many order attempts' },
  ADMISSION_REQUIRED: { status: 403, code: 'ADMISSION_REQUIRED', detail: 'this drop has a queue: join it and order with the admission token' },
  ADMISSION_INVALID: { status: 403, code: 'ADMISSION_INVALID', detail: 'the admission token is not valid for you and this drop' },
  ADMISSION_EXPIRED: { status: 409, code: 'ADMISSION_EXPIRED', detail: 'your admission lapsed' },
  ADMISSION_SPENT: { status: 409, code: 'ADMISSION_SPENT', detail: 'every order attempt of this admission was used' },
};

const ListQuery = PagingQuery.extend({
  status: OrderStatusSchema.optional(),
  productId: nonBlankText().max(200).optional(),
  customerId: nonBlankText().max(200).optional().openapi({ description: 'ADMIN only; ignored for others.' }),
});

export function orderRoutes(deps: AppDeps) {
  const app = router();
  const { engine, auth, limits, metrics } = deps;
  const signedIn = authenticate(auth.tokens);

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/',
      tags: ['orders'],
      summary: 'Buy: hold stock for the payment window and start the order saga',
      security: BEARER,
      middleware: [signedIn, requireRole('USER')] as const,
      request: { headers: IdempotencyHeader, ...jsonBody(PlaceOrderBody) },
      responses: {
        202: jsonContent(OrderAcceptedSchema, 'Accepted: stock is held until `holdUntil`; pay before then.'),
        400: problem('Invalid body (`VALIDATION`, `MALFORMED_JSON`).'),
        404: problem('No such product.'),
        403: problem(
          'The caller lacks the USER role (`FORBIDDEN`); the product has a queue and no admission token was sent (`ADMISSION_REQUIRED`) or it is not valid for this customer and drop (`ADMISSION_INVALID`).',
        ),
        409: problem(
          '`OUT_OF_STOCK`, `LIMIT_EXCEEDED`, `NOT_ON_SALE`, `IDEMPOTENCY_IN_FLIGHT`, `ADMISSION_EXPIRED` (the admission lapsed) or `ADMISSION_SPENT` (its order attempts are used up).',
        ),
        422: problem('The Idempotency-Key was used with another body (`IDEMPOTENCY_MISMATCH`).'),
        429: problem(
          'Too many orders from this customer or address (`RATE_LIMITED`). Attempts answered 409 from what is already known (sold out, over the limit, not on sale) are not counted.',
        ),
        401: AUTH_PROBLEMS[401],
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const idempotencyKey = c.req.header(IDEMPOTENCY_HEADER);
      const result = await engine.useCases.placeOrder({
        customerId: c.get('principal').customerId,
        ...body,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        clientAddress: clientIp(c, limits.trustProxy),
      });
      if (!result.ok) {
        const refusal = REFUSALS[result.reason];
        metrics.orderOutcome(refusal.code);
        if (result.reason === 'RATE_LIMITED') c.header('retry-after', String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))));
        return problemResponse(c, refusal.status, refusal.code, refusal.detail);
      }
      if (!result.replayed) metrics.orderOutcome('accepted');
      const { order } = result;
      replayedHeader(c, result.replayed);
      return c.json({ orderId: order.id, status: order.status, holdUntil: order.holdUntil.toISOString(), total: order.total }, 202);
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
      description:
        'While the order is `PAYMENT_PENDING` it may be paid until `order.holdUntil`; a failed attempt (declined card, ' +
        'gateway error) does not end it: `lastPayment` then shows that attempt (`status` DECLINED or ERROR, ' +
        '`failureReason`). `serverTime` is the server\'s time, on the clock `holdUntil` is on.',
      responses: {
        200: jsonContent(
          z.object({
            order: OrderSchema,
            paymentAttempts: z.number().int().openapi({ description: 'How many payment attempts the order had.' }),
            lastPayment: PaymentSchema.nullable().openapi({ description: 'The latest payment attempt; null before the first.' }),
            serverTime: z.string().openapi({ format: 'date-time' }),
          }),
          'The order.',
        ),
        404: problem('No such order.'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const detail = await engine.useCases.getOrderDetail({ orderId: c.req.valid('param').id, actor: actorOf(c) });
      return c.json(
        {
          order: orderView(detail.order),
          paymentAttempts: detail.paymentAttempts,
          lastPayment: detail.lastPayment === null ? null : paymentView(detail.lastPayment),
          serverTime: engine.useCases.now().toISOString(),
        },
        200,
      );
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
