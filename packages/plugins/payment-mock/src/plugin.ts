import { definePlugin, defineToken, type Engine, type Plugin } from '@limitedcart/core';
import { createMockPaymentGateway, type MockGatewayOptions, type MockPaymentGateway } from './gateway.js';
import { verifyWebhookSignature } from './webhook-signature.js';

/** The gateway itself (`engine.resolve(MOCK_PAYMENTS)`), for its refunds and `settle()`. */
export const MOCK_PAYMENTS = defineToken<MockPaymentGateway>('limitedcart.payment-mock');

export type MockPaymentsOptions = Omit<MockGatewayOptions, 'logger'> & {
  /** How old a webhook's signature may be, in seconds. Default 300. */
  readonly toleranceSeconds?: number;
};

/**
 * The mock payment gateway as the engine's `paymentGateway`: test cards, Luhn and expiry checks, signed webhooks
 * delivered with retries (to `delivery`, e.g. the host's webhook route), refunds. The engine's `processPayment`
 * records each charge's outcome itself; the webhook repeats it, as a real provider's would.
 *
 * ```ts
 * createEngine({ plugins: [mockPayments({ webhookSecret: process.env.PAYMENT_WEBHOOK_SECRET! })] });
 * ```
 */
export function mockPayments(options: MockPaymentsOptions): Plugin {
  if (typeof options?.webhookSecret !== 'string' || options.webhookSecret.length < 16) {
    throw new TypeError('mockPayments(): webhookSecret must be at least 16 characters');
  }
  return definePlugin({
    name: 'payment-mock',
    setup(ctx) {
      ctx.register(MOCK_PAYMENTS, {
        useFactory: ({ ports }) => createMockPaymentGateway({ ...options, logger: ports.logger.child({ component: 'payment-gateway' }) }),
      });
      ctx.provide({ paymentGateway: { useFactory: ({ resolve }) => resolve(MOCK_PAYMENTS) } });
    },
  });
}

/** What a webhook delivery came to. */
export type WebhookReceipt =
  | { readonly ok: true; readonly applied: boolean }
  | { readonly ok: false; readonly reason: 'INVALID_SIGNATURE'; readonly detail: string }
  | { readonly ok: false; readonly reason: 'NOT_A_WEBHOOK' };

const OUTCOME_OF = { 'payment.succeeded': 'succeeded', 'payment.declined': 'declined', 'payment.error': 'error' } as const;
const TYPES = new Set(['payment.succeeded', 'payment.declined', 'payment.error', 'payment.refunded']);

const parse = (text: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

const optionalText = (value: unknown): string | undefined => (typeof value === 'string' && value.length <= 500 ? value : undefined);

/**
 * Receives one of the gateway's webhooks for a host's webhook route: checks the signature over the exact bytes
 * received, then records the result through `engine.useCases.handlePaymentResult` (safe under redelivery).
 */
export async function receiveWebhook(
  engine: Engine,
  options: Pick<MockPaymentsOptions, 'webhookSecret' | 'toleranceSeconds'>,
  rawBody: string,
  signature: string | null | undefined,
): Promise<WebhookReceipt> {
  const check = verifyWebhookSignature(options.webhookSecret, signature, rawBody, { toleranceSeconds: options.toleranceSeconds ?? 300 });
  if (!check.ok) return { ok: false, reason: 'INVALID_SIGNATURE', detail: check.reason };
  const body = parse(rawBody);
  const type = body?.type;
  if (body === null || typeof type !== 'string' || !TYPES.has(type) || typeof body.paymentId !== 'string' || body.paymentId.length > 200) {
    return { ok: false, reason: 'NOT_A_WEBHOOK' };
  }
  // Refunds are initiated by the saga itself; their webhook only confirms what is already recorded.
  if (type === 'payment.refunded') return { ok: true, applied: false };
  const reference = optionalText(body.reference);
  const reason = optionalText(body.reason);
  const result = await engine.useCases.handlePaymentResult({
    paymentId: body.paymentId,
    outcome: OUTCOME_OF[type as keyof typeof OUTCOME_OF],
    ...(reference === undefined ? {} : { reference }),
    ...(reason === undefined ? {} : { reason }),
  });
  return { ok: true, applied: result.applied };
}

