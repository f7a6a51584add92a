import { createRoute, z } from '@hono/zod-openapi';
import { isAdmin, notFound, type Payment } from '@limitedcart/core';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '@limitedcart/plugin-payment-mock';
import { actorOf, authenticate } from '../http/auth.js';
import type { AppDeps } from '../http/context.js';
import { ApiProblem } from '../http/problem.js';
import { mount, router } from '../http/route.js';
import {
  AUTH_PROBLEMS,
  BEARER,
  CardSchema,
  IdParam,
  jsonBody,
  jsonContent,
  MoneySchema,
  PaymentSchema,
  PaymentStatusSchema,
  problem,
} from './schemas.js';
import { paymentView } from './views.js';

const InitiateBody = z.strictObject({ orderId: z.string().min(1).max(200) }).openapi('InitiatePayment');
const InitiateResult = z
  .object({ paymentId: z.string(), paymentLink: z.string(), amount: MoneySchema })
  .openapi('PaymentInitiated');

const TokenSchema = z.string().min(16).max(200);
const ProcessBody = z.strictObject({ token: TokenSchema, card: CardSchema }).openapi('ProcessPayment');
const ProcessResult = z
  .object({ paymentId: z.string(), orderId: z.string(), outcome: z.literal('succeeded') })
  .openapi('PaymentProcessed');

const LinkView = z
  .object({ paymentId: z.string(), orderId: z.string(), amount: MoneySchema, status: PaymentStatusSchema })
  .openapi('PaymentLink');

/** The gateway's webhook as the server accepts it (after the signature matched). */
const WebhookBody = z.object({
  id: z.string().min(1).max(200),
  type: z.enum(['payment.succeeded', 'payment.declined', 'payment.error', 'payment.refunded']),
  paymentId: z.string().min(1).max(200),
  reference: z.string().max(500).nullable(),
  reason: z.string().max(500).nullable(),
});

const OUTCOME_OF = { 'payment.succeeded': 'succeeded', 'payment.declined': 'declined', 'payment.error': 'error' } as const;
const PROCESSABLE: readonly Payment['status'][] = ['INITIATED', 'ERROR'];
const PAYABLE_ORDER = new Set(['PENDING', 'PAYMENT_PENDING']);
/** Serialises processing of one payment across requests and replicas (a claim in the idempotency store). */
const PROCESS_SCOPE = 'payments.process';

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

export function paymentRoutes(deps: AppDeps) {
  const app = router();
  const { engine, tokens, gateway, payments: settings } = deps;
  const { payments, orders, idempotency } = engine.ports;
  const signedIn = authenticate(tokens);

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/initiate',
      tags: ['payments'],
      summary: "Open a payment for the caller's own order; the amount is the order's total",
      security: BEARER,
      middleware: [signedIn] as const,
      request: jsonBody(InitiateBody),
      responses: {
        201: jsonContent(InitiateResult, 'A payment link; whoever holds it may pay.'),
        404: problem('No such order of the caller.'),
        409: problem('The order can no longer be paid (`NOT_PAYABLE`).'),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const result = await engine.useCases.initiatePayment({ orderId: c.req.valid('json').orderId, actor: actorOf(c) });
      if (!result.ok) {
        throw new ApiProblem(409, 'NOT_PAYABLE', `the order is ${result.status}`, { orderStatus: result.status });
      }
      const paymentLink = `${settings.publicUrl()}/pay/${result.token}`;
      return c.json({ paymentId: result.paymentId, paymentLink, amount: result.amount }, 201);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/link/{token}',
      tags: ['payments'],
      summary: 'What a payment link pays for (link holder)',
      request: { params: z.object({ token: TokenSchema.openapi({ param: { name: 'token', in: 'path' } }) }) },
      responses: { 200: jsonContent(LinkView, 'The payment behind the link.'), 404: problem('Unknown link.') },
    }),
    async (c) => {
      const payment = await payments.getByToken(c.req.valid('param').token);
      if (payment === null) throw notFound('payment link', 'token');
      return c.json({ paymentId: payment.id, orderId: payment.orderId, amount: payment.amount, status: payment.status }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/process',
      tags: ['payments'],
      summary: 'Pay a payment link with a card (mock gateway; see the test cards)',
      description:
        'Test cards: 4242424242424242 succeeds, 4000000000000002 is declined (402 `PAYMENT_DECLINED`), ' +
        '4000000000000119 fails at the gateway (502 `PAYMENT_GATEWAY_ERROR`, retry allowed). The order is ' +
        'confirmed when the gateway webhook reaches the saga; follow it on the notification stream.',
      request: jsonBody(ProcessBody),
      responses: {
        200: jsonContent(ProcessResult, 'Charged; confirmation follows through the signed webhook.'),
        402: problem('The card was declined or invalid (`PAYMENT_DECLINED`); the order fails.'),
        404: problem('Unknown link.'),
        409: problem('Already paid or being paid (`PAYMENT_NOT_PROCESSABLE`), or the order ended (`NOT_PAYABLE`).'),
        502: problem('The gateway failed (`PAYMENT_GATEWAY_ERROR`); the same link may be retried.'),
      },
    }),
    async (c) => {
      const { token, card } = c.req.valid('json');
      const payment = await payments.getByToken(token);
      if (payment === null) throw notFound('payment link', 'token');
      if (!PROCESSABLE.includes(payment.status)) {
        throw new ApiProblem(409, 'PAYMENT_NOT_PROCESSABLE', `the payment is ${payment.status}`, { paymentStatus: payment.status });
      }
      const order = await orders.get(payment.orderId);
      if (order === null || !PAYABLE_ORDER.has(order.status)) {
        throw new ApiProblem(409, 'NOT_PAYABLE', `the order is ${order?.status ?? 'gone'}`);
      }
      const claim = await idempotency.claim(PROCESS_SCOPE, payment.id, payment.id);
      if (!claim.claimed) throw new ApiProblem(409, 'PAYMENT_NOT_PROCESSABLE', 'the payment is being processed or was paid');
      let charged: Awaited<ReturnType<typeof gateway.charge>>;
      try {
        // The amount is the payment row's, which initiate copied from the order: never a client value.
        charged = await gateway.charge({ paymentId: payment.id, amount: payment.amount, card });
      } catch (error) {
        await idempotency.abandon(PROCESS_SCOPE, payment.id);
        throw error;
      }
      if (charged.outcome !== 'succeeded') {
        await idempotency.abandon(PROCESS_SCOPE, payment.id);
        if (charged.outcome === 'declined') throw new ApiProblem(402, 'PAYMENT_DECLINED', charged.reason, { reason: charged.reason });
        throw new ApiProblem(502, 'PAYMENT_GATEWAY_ERROR', 'the payment gateway failed; try again', { reason: charged.reason });
      }
      const body = { paymentId: payment.id, orderId: payment.orderId, outcome: 'succeeded' as const };
      await idempotency.complete(PROCESS_SCOPE, payment.id, { status: 200, body });
      return c.json(body, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/webhook',
      tags: ['payments'],
      summary: 'Gateway webhook (HMAC-signed: `LimitedCart-Signature: t=<unix s>,v1=<hex>`)',
      responses: {
        200: jsonContent(z.object({ received: z.literal(true), applied: z.boolean() }), 'Recorded (or a harmless redelivery).'),
        400: problem('The signed body is not a webhook (`VALIDATION`).'),
        401: problem('Missing, wrong or stale signature (`INVALID_SIGNATURE`).'),
        404: problem('Unknown payment.'),
      },
    }),
    async (c) => {
      // The signature covers the exact bytes: verify the raw text before parsing anything.
      const raw = await c.req.text();
      const check = verifyWebhookSignature(settings.webhookSecret, c.req.header(SIGNATURE_HEADER), raw, {
        toleranceSeconds: settings.webhookToleranceSeconds,
      });
      if (!check.ok) throw new ApiProblem(401, 'INVALID_SIGNATURE', `webhook signature rejected: ${check.reason}`);
      const parsed = WebhookBody.safeParse(parseJson(raw));
      if (!parsed.success) throw new ApiProblem(400, 'VALIDATION', 'not a payment webhook');
      const event = parsed.data;
      // Refunds are initiated by the saga itself; the webhook only confirms what is already recorded.
      if (event.type === 'payment.refunded') return c.json({ received: true, applied: false }, 200);
      const result = await engine.useCases.handlePaymentResult({
        paymentId: event.paymentId,
        outcome: OUTCOME_OF[event.type],
        ...(event.reference === null ? {} : { reference: event.reference }),
        ...(event.reason === null ? {} : { reason: event.reason }),
      });
      return c.json({ received: true, applied: result.applied }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['payments'],
      summary: 'One payment (owner or ADMIN; anyone else gets 404)',
      security: BEARER,
      middleware: [signedIn] as const,
      request: { params: IdParam },
      responses: { 200: jsonContent(z.object({ payment: PaymentSchema }), 'The payment.'), 404: problem('No such payment.'), ...AUTH_PROBLEMS },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const actor = actorOf(c);
      const payment = await payments.get(id);
      if (payment === null || (payment.customerId !== actor.customerId && !isAdmin(actor))) throw notFound('payment', id);
      return c.json({ payment: paymentView(payment) }, 200);
    },
  );

  return app;
}
