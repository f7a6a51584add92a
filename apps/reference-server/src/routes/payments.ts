import { createRoute, z } from '@hono/zod-openapi';
import { receiveWebhook, SIGNATURE_HEADER } from '@limitedcart/plugin-payment-mock';
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
  OrderStatusSchema,
  PaymentStatusSchema,
  problem,
  nonBlankText,
} from './schemas.js';
import { paymentView } from './views.js';

const InitiateBody = z.strictObject({ orderId: nonBlankText().max(200) }).openapi('InitiatePayment');
const HoldUntil = z.string().openapi({
  format: 'date-time',
  description: "When the order's hold ends (after the one grace a starting payment may give it): pay before it.",
});
const InitiateResult = z
  .object({ paymentId: z.string(), paymentLink: z.string(), amount: MoneySchema, holdUntil: HoldUntil })
  .openapi('PaymentInitiated');

const TokenSchema = nonBlankText().min(16).max(200);
const ProcessBody = z.strictObject({ token: TokenSchema, card: CardSchema }).openapi('ProcessPayment');
const ProcessResult = z
  .object({ paymentId: z.string(), orderId: z.string(), outcome: z.literal('succeeded'), holdUntil: HoldUntil })
  .openapi('PaymentProcessed');

const LinkView = z
  .object({
    paymentId: z.string(),
    orderId: z.string(),
    amount: MoneySchema,
    status: PaymentStatusSchema.openapi({
      description: "The link's attempt; DECLINED or ERROR while the order is PAYMENT_PENDING: the link may be paid again.",
    }),
    failureReason: z.string().nullable(),
    orderStatus: OrderStatusSchema.nullable(),
    holdUntil: z.string().nullable().openapi({ format: 'date-time', description: "When the order's hold ends." }),
    serverTime: z.string().openapi({ format: 'date-time', description: "The server's time, on the clock `holdUntil` is on." }),
  })
  .openapi('PaymentLink');

/** 409 `HOLD_EXPIRED`: the order's hold ran out; nothing was (or will be) charged. */
const holdExpired = (orderStatus: string, holdUntil: Date): ApiProblem =>
  new ApiProblem(409, 'HOLD_EXPIRED', `the order's hold ended at ${holdUntil.toISOString()}; nothing was charged`, {
    orderStatus,
    holdUntil: holdUntil.toISOString(),
  });

export function paymentRoutes(deps: AppDeps) {
  const app = router();
  const { engine, auth, payments: settings } = deps;
  const signedIn = authenticate(auth.tokens);

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/initiate',
      tags: ['payments'],
      summary: "Open the payment of the caller's own order, or get the one it has; the amount is the order's total",
      description:
        'An order has one live payment: asking again (another tab, a retried request) returns the same link with 200, ' +
        'also once it was paid; a new payment is opened (201) only when the order has none (never paid, or its last ' +
        "attempt was declined). Starting a payment gives the order's hold one grace (`PAYMENT_GRACE_SECONDS`) when it " +
        'ends sooner than that: `holdUntil` is the hold\'s end after it.',
      security: BEARER,
      middleware: [signedIn] as const,
      request: jsonBody(InitiateBody),
      responses: {
        200: jsonContent(InitiateResult, "The order's existing payment link."),
        201: jsonContent(InitiateResult, 'A new payment link; whoever holds it may pay.'),
        404: problem('No such order of the caller.'),
        409: problem(
          'The order can no longer be paid: it ended (`NOT_PAYABLE`, with `orderStatus`) or its hold ran out ' +
            '(`HOLD_EXPIRED`, with `orderStatus` and `holdUntil`).',
        ),
        ...AUTH_PROBLEMS,
      },
    }),
    async (c) => {
      const result = await engine.useCases.initiatePayment({ orderId: c.req.valid('json').orderId, actor: actorOf(c) });
      if (!result.ok) {
        if (result.reason === 'HOLD_EXPIRED') throw holdExpired(result.status, result.holdUntil);
        throw new ApiProblem(409, 'NOT_PAYABLE', `the order is ${result.status}`, { orderStatus: result.status });
      }
      const paymentLink = `${settings.publicUrl()}/pay/${result.token}`;
      return c.json(
        { paymentId: result.paymentId, paymentLink, amount: result.amount, holdUntil: result.holdUntil.toISOString() },
        result.existing ? 200 : 201,
      );
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
      const link = await engine.useCases.getPaymentLink(c.req.valid('param').token);
      return c.json(
        { ...link, holdUntil: link.holdUntil?.toISOString() ?? null, serverTime: engine.useCases.now().toISOString() },
        200,
      );
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
        '4000000000000119 fails at the gateway (502 `PAYMENT_GATEWAY_ERROR`). Neither ends the order: it stays ' +
        '`PAYMENT_PENDING` and the same link may be paid again with another card until `holdUntil` (each try is a ' +
        'payment attempt: after a decline the next try charges a new attempt, whose `paymentId` the answer gives). ' +
        "Starting a charge gives the order's hold one grace (`PAYMENT_GRACE_SECONDS`) when it ends sooner than that. " +
        'A hold that ran out is refused before any charge (409 `HOLD_EXPIRED`). The order is confirmed when the ' +
        'gateway webhook reaches the saga; follow it on the notification stream.',
      request: jsonBody(ProcessBody),
      responses: {
        200: jsonContent(ProcessResult, 'Charged; confirmation follows through the signed webhook.'),
        402: problem(
          'The card was declined or invalid (`PAYMENT_DECLINED`, with `reason`, `paymentId`, `orderId`, `holdUntil` and ' +
            '`retryable: true`); the order stays payable until `holdUntil`.',
        ),
        404: problem('Unknown link.'),
        409: problem(
          'Already paid or being paid (`PAYMENT_NOT_PROCESSABLE`), the order ended (`NOT_PAYABLE`, with `orderStatus`), ' +
            'or its hold ran out (`HOLD_EXPIRED`, with `orderStatus` and `holdUntil`).',
        ),
        502: problem(
          'The gateway failed (`PAYMENT_GATEWAY_ERROR`, with `reason`, `paymentId`, `orderId`, `holdUntil` and ' +
            '`retryable: true`); the same link may be retried until `holdUntil`.',
        ),
      },
    }),
    async (c) => {
      const result = await engine.useCases.processPayment(c.req.valid('json'));
      if (result.ok) {
        const body = { paymentId: result.paymentId, orderId: result.orderId, outcome: 'succeeded' as const, holdUntil: result.holdUntil.toISOString() };
        return c.json(body, 200);
      }
      switch (result.reason) {
        case 'NOT_PROCESSABLE':
          throw result.paymentStatus === 'PROCESSING'
            ? new ApiProblem(409, 'PAYMENT_NOT_PROCESSABLE', 'the payment is being processed or was paid')
            : new ApiProblem(409, 'PAYMENT_NOT_PROCESSABLE', `the payment is ${result.paymentStatus}`, { paymentStatus: result.paymentStatus });
        case 'NOT_PAYABLE':
          throw new ApiProblem(409, 'NOT_PAYABLE', `the order is ${result.orderStatus ?? 'gone'}`, { orderStatus: result.orderStatus });
        case 'HOLD_EXPIRED':
          throw holdExpired(result.orderStatus, result.holdUntil);
        case 'DECLINED':
        case 'GATEWAY_ERROR': {
          const attempt = {
            reason: result.detail,
            paymentId: result.paymentId,
            orderId: result.orderId,
            holdUntil: result.holdUntil.toISOString(),
            retryable: true,
          };
          throw result.reason === 'DECLINED'
            ? new ApiProblem(402, 'PAYMENT_DECLINED', `${result.detail}; another card may be tried until ${attempt.holdUntil}`, attempt)
            : new ApiProblem(502, 'PAYMENT_GATEWAY_ERROR', 'the payment gateway failed; try again', attempt);
        }
      }
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
      // The signature covers the exact bytes: the raw text is verified before anything is parsed.
      const receipt = await receiveWebhook(
        engine,
        { webhookSecret: settings.webhookSecret, toleranceSeconds: settings.webhookToleranceSeconds },
        await c.req.text(),
        c.req.header(SIGNATURE_HEADER),
      );
      if (receipt.ok) return c.json({ received: true, applied: receipt.applied }, 200);
      if (receipt.reason === 'INVALID_SIGNATURE') throw new ApiProblem(401, 'INVALID_SIGNATURE', `webhook signature rejected: ${receipt.detail}`);
      throw new ApiProblem(400, 'VALIDATION', 'not a payment webhook');
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
      const payment = await engine.useCases.getPayment({ paymentId: c.req.valid('param').id, actor: actorOf(c) });
      return c.json({ payment: paymentView(payment) }, 200);
    },
  );

  return app;
}
