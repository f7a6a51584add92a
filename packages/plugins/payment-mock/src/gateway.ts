import { randomUUID } from 'node:crypto';
import type { CardDetails, ChargeResult, Logger, Money, PaymentGateway } from '@limitedcart/core';
import { cardProblem, normalizeCardNumber, TEST_CARDS } from './cards.js';
import { signWebhook } from './webhook-signature.js';

export interface PaymentWebhookBody {
  readonly id: string;
  readonly type: 'payment.succeeded' | 'payment.declined' | 'payment.error' | 'payment.refunded';
  readonly paymentId: string;
  readonly reference: string | null;
  readonly reason: string | null;
  readonly amount: Money;
  readonly createdAt: string;
}

export interface WebhookDelivery {
  /** Posts the signed webhook (e.g. to the server's /api/payments/webhook); throws or returns false to retry. */
  deliver(body: string, headers: Record<string, string>): Promise<boolean>;
}

export interface MockGatewayOptions {
  readonly webhookSecret: string;
  readonly delivery?: WebhookDelivery;
  readonly logger?: Logger;
  /**
   * Delivery attempts before a webhook is given up (logged); the pause doubles from `retryDelayMs` up to
   * `maxRetryDelayMs`. The defaults (12 attempts, 200 ms doubling to 30 s) keep a webhook coming for about
   * two and a half minutes, so an api or saga engine that is down for a while still gets it afterwards, as
   * real providers do (they retry for hours).
   */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly now?: () => Date;
}

export interface MockPaymentGateway extends PaymentGateway {
  /** Stops retrying deliveries (the engine calls it when it stops); webhooks not yet delivered are given up. */
  close(): Promise<void>;
  /** Refunds issued, by payment id: lets operators and tests see money returned exactly once. */
  refunds(): ReadonlyMap<string, Money>;
  /** Charge attempts received, by payment id: lets tests see that a payment reaches the gateway once. */
  charges(): ReadonlyMap<string, number>;
  /** Resolves when every webhook sent so far was delivered or given up. */
  settle(): Promise<void>;
}

/**
 * A sandbox gateway: deterministic outcomes by test card (see TEST_CARDS), Luhn and expiry validation, and a
 * signed webhook for every outcome, delivered with retries like a real provider would.
 */
export function createMockPaymentGateway(options: MockGatewayOptions): MockPaymentGateway {
  const now = options.now ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 12;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  /** Pauses between attempts; `close()` ends them at once, so stopping never waits out a backoff. */
  const pauses = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        pauses.delete(done);
        resolve();
      };
      // Unref'd: a backoff still pending when the host stops must not keep the process alive.
      const timer = setTimeout(done, ms).unref();
      pauses.add(done);
    });
  const refunded = new Map<string, Money>();
  const charged = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const send = (body: PaymentWebhookBody) => {
    if (!options.delivery) return;
    const text = JSON.stringify(body);
    const delivery = options.delivery;
    const task = (async () => {
      for (let attempt = 1; attempt <= maxAttempts && !closed; attempt++) {
        const headers = {
          'content-type': 'application/json',
          'limitedcart-signature': signWebhook(options.webhookSecret, text, Math.floor(now().getTime() / 1000)),
        };
        try {
          if (await delivery.deliver(text, headers)) return;
        } catch (error) {
          options.logger?.warn('payment webhook delivery failed', { attempt, paymentId: body.paymentId, error: String(error) });
        }
        if (attempt < maxAttempts && !closed) await pause(Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (attempt - 1)));
      }
      if (!closed) options.logger?.error('payment webhook given up', { paymentId: body.paymentId, type: body.type });
    })();
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };

  const webhook = (type: PaymentWebhookBody['type'], paymentId: string, amount: Money, reference: string | null, reason: string | null) =>
    send({ id: randomUUID(), type, paymentId, reference, reason, amount, createdAt: now().toISOString() });

  return {
    async charge({ paymentId, amount, card }: { paymentId: string; amount: Money; card: CardDetails }): Promise<ChargeResult> {
      charged.set(paymentId, (charged.get(paymentId) ?? 0) + 1);
      const problem = cardProblem(card, now());
      const number = normalizeCardNumber(card.number);
      let result: ChargeResult;
      if (problem) result = { outcome: 'declined', reason: problem };
      else if (number === TEST_CARDS.declines) result = { outcome: 'declined', reason: 'CARD_DECLINED' };
      else if (number === TEST_CARDS.gatewayError) result = { outcome: 'error', reason: 'GATEWAY_UNAVAILABLE' };
      else result = { outcome: 'succeeded', reference: `mock_${randomUUID()}` };
      if (result.outcome === 'succeeded') webhook('payment.succeeded', paymentId, amount, result.reference, null);
      else if (result.outcome === 'declined') webhook('payment.declined', paymentId, amount, null, result.reason);
      else webhook('payment.error', paymentId, amount, null, result.reason);
      return result;
    },

    async refund({ paymentId, reference, amount }) {
      if (refunded.has(paymentId)) return;
      refunded.set(paymentId, amount);
      webhook('payment.refunded', paymentId, amount, reference, null);
    },

    refunds: () => refunded,

    charges: () => charged,

    async settle() {
      // The webhooks sent so far, not those sent meanwhile: a draining host that still takes payments would
      // otherwise wait on a queue that never empties.
      await Promise.allSettled([...inFlight]);
    },

    async close() {
      closed = true;
      for (const done of [...pauses]) done();
    },
  };
}
