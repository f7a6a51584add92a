import { describe, expect, it } from 'vitest';
import { cardProblem, luhnValid, TEST_CARDS } from '../src/cards.js';
import { createMockPaymentGateway, type PaymentWebhookBody } from '../src/gateway.js';
import { signWebhook, verifyWebhookSignature } from '../src/webhook-signature.js';

const card = (number: string, overrides: Partial<{ expMonth: number; expYear: number; cvc: string; holder: string }> = {}) => ({
  number,
  expMonth: 12,
  expYear: 2099,
  cvc: '123',
  holder: 'Ada Lovelace',
  ...overrides,
});
const amount = { amount: 4999, currency: 'USD' as const };

describe('cards', () => {
  it('validates Luhn and expiry', () => {
    expect(luhnValid(TEST_CARDS.succeeds)).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    const now = new Date('2026-11-25T00:00:00Z');
    expect(cardProblem(card('4242 4242 4242 4242'), now)).toBeNull();
    expect(cardProblem(card(TEST_CARDS.succeeds, { expMonth: 10, expYear: 2026 }), now)).toBe('EXPIRED');
    expect(cardProblem(card(TEST_CARDS.succeeds, { expMonth: 11, expYear: 2026 }), now)).toBeNull();
    expect(cardProblem(card(TEST_CARDS.succeeds, { expMonth: 13 }), now)).toBe('INVALID_EXPIRY');
    expect(cardProblem(card(TEST_CARDS.succeeds, { cvc: '12' }), now)).toBe('INVALID_CVC');
  });
});

describe('webhook signatures', () => {
  const secret = 'whsec_test_secret';
  const now = new Date('2026-11-25T12:00:00Z');
  const t = Math.floor(now.getTime() / 1000);

  it('accepts a fresh, correct signature', () => {
    expect(verifyWebhookSignature(secret, signWebhook(secret, '{"a":1}', t), '{"a":1}', { now })).toEqual({ ok: true });
  });

  it('rejects tampered bodies, wrong secrets, stale timestamps and junk', () => {
    const header = signWebhook(secret, '{"a":1}', t);
    expect(verifyWebhookSignature(secret, header, '{"a":2}', { now })).toEqual({ ok: false, reason: 'MISMATCH' });
    expect(verifyWebhookSignature('other', header, '{"a":1}', { now })).toEqual({ ok: false, reason: 'MISMATCH' });
    expect(verifyWebhookSignature(secret, signWebhook(secret, '{"a":1}', t - 301), '{"a":1}', { now })).toEqual({
      ok: false,
      reason: 'STALE',
    });
    expect(verifyWebhookSignature(secret, 't=abc,v1=zz', '{}', { now })).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifyWebhookSignature(secret, undefined, '{}', { now })).toEqual({ ok: false, reason: 'MISSING' });
  });
});

describe('mock gateway', () => {
  const setup = (failFirst = 0) => {
    const delivered: { body: PaymentWebhookBody; signature: string }[] = [];
    let failures = failFirst;
    const gateway = createMockPaymentGateway({
      webhookSecret: 'whsec',
      retryDelayMs: 5,
      delivery: {
        async deliver(body, headers) {
          if (failures-- > 0) throw new Error('connection refused');
          delivered.push({ body: JSON.parse(body) as PaymentWebhookBody, signature: headers['limitedcart-signature']! });
          return true;
        },
      },
    });
    return { gateway, delivered };
  };

  it('gives deterministic outcomes for the test cards and signs a webhook for each', async () => {
    const { gateway, delivered } = setup();
    await expect(gateway.charge({ paymentId: 'p1', amount, card: card(TEST_CARDS.succeeds) })).resolves.toMatchObject({
      outcome: 'succeeded',
    });
    await expect(gateway.charge({ paymentId: 'p2', amount, card: card(TEST_CARDS.declines) })).resolves.toEqual({
      outcome: 'declined',
      reason: 'CARD_DECLINED',
    });
    await expect(gateway.charge({ paymentId: 'p3', amount, card: card(TEST_CARDS.gatewayError) })).resolves.toEqual({
      outcome: 'error',
      reason: 'GATEWAY_UNAVAILABLE',
    });
    await gateway.settle();
    expect(delivered.map((d) => d.body.type)).toEqual(['payment.succeeded', 'payment.declined', 'payment.error']);
    for (const { body, signature } of delivered) {
      expect(verifyWebhookSignature('whsec', signature, JSON.stringify(body))).toEqual({ ok: true });
    }
  });

  it('retries webhook delivery and refunds once per payment', async () => {
    const { gateway, delivered } = setup(2);
    const charged = await gateway.charge({ paymentId: 'p1', amount, card: card(TEST_CARDS.succeeds) });
    expect(charged.outcome).toBe('succeeded');
    await gateway.refund({ paymentId: 'p1', reference: 'r', amount });
    await gateway.refund({ paymentId: 'p1', reference: 'r', amount });
    await gateway.settle();
    // Deliveries retry independently, so their arrival order is not fixed.
    expect(delivered.map((d) => d.body.type).sort()).toEqual(['payment.refunded', 'payment.succeeded']);
    expect([...gateway.refunds().keys()]).toEqual(['p1']);
  });

  it('keeps retrying through a long outage of the receiver with capped pauses, and close() ends a pending pause', async () => {
    const attempts: number[] = [];
    const gateway = createMockPaymentGateway({
      webhookSecret: 'whsec',
      retryDelayMs: 5,
      maxRetryDelayMs: 20,
      delivery: {
        async deliver() {
          attempts.push(Date.now());
          // Down for the first 9 attempts: longer than the doubling alone would have waited.
          if (attempts.length < 10) throw new Error('connection refused');
          return true;
        },
      },
    });
    await gateway.charge({ paymentId: 'p1', amount, card: card(TEST_CARDS.succeeds) });
    await gateway.settle();
    expect(attempts).toHaveLength(10);
    const pauses = attempts.slice(1).map((at, index) => at - attempts[index]!);
    expect(Math.max(...pauses), 'no pause longer than the cap (with timer slack)').toBeLessThan(20 + 200);

    const stuck = createMockPaymentGateway({
      webhookSecret: 'whsec',
      retryDelayMs: 60_000,
      delivery: {
        async deliver() {
          throw new Error('connection refused');
        },
      },
    });
    await stuck.charge({ paymentId: 'p2', amount, card: card(TEST_CARDS.succeeds) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await stuck.close();
    // Without close() ending it, settle() would wait out the minute-long pause.
    await expect(Promise.race([stuck.settle().then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 2_000))])).resolves.toBe(
      'settled',
    );
  });
});
