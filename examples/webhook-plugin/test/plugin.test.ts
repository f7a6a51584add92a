import { randomUUID } from 'node:crypto';
import { type Actor, createEngine, type Engine, money, TOPICS } from '@limitedcart/core';
import { createConsoleLogger } from '@limitedcart/core/memory';
import { waitFor } from '@limitedcart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliveryFailure, deliveryIdOf, WEBHOOK_HEADERS, webhookPlugin } from '../src/index.js';
import { type Receiver, startReceiver } from './receiver.js';

const SECRET = 'whsec_engine_0123456789abcdef';
const FAST = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 50 };

describe('webhook plugin in an engine', () => {
  let engine: Engine;
  let crm: Receiver;
  let dead: Receiver;
  const givenUp: DeliveryFailure[] = [];
  const ann: Actor = { customerId: 'ann', roles: ['USER'] };
  const bob: Actor = { customerId: 'bob', roles: ['USER'] };

  beforeAll(async () => {
    // The CRM is down for its first two requests; the other endpoint never answers 2xx.
    crm = await startReceiver({ secret: SECRET, respond: (n) => (n < 2 ? 503 : 200) });
    dead = await startReceiver({ secret: SECRET, respond: () => 500 });
    engine = createEngine({
      adapters: { logger: createConsoleLogger({ level: 'silent' }) },
      plugins: [
        webhookPlugin({
          endpoints: [
            { id: 'crm', url: crm.url, secret: SECRET },
            { id: 'dead', url: dead.url, secret: SECRET, events: ['order.placed'] },
          ],
          retry: { ...FAST },
          onGiveUp: (failure) => givenUp.push(failure),
        }),
      ],
    });
    await engine.start();
  });

  afterAll(async () => {
    await engine?.stop();
    await crm?.close();
    await dead?.close();
  });

  const statusesOf = (orderId: string): string[] =>
    crm
      .accepted()
      .filter((body) => body.aggregateId === orderId)
      .map((body) => String(body.data.status));

  it('delivers every order.progress event, signed, in order per order, through the failures', async () => {
    const product = await engine.useCases.createProduct({ name: 'Print', price: money(4_000), maxQuantityPerCustomer: 1 });
    await engine.useCases.restock({ productId: product.id, quantity: 10, opId: 'print-stock' });

    const paid = await engine.useCases.placeOrder({ customerId: ann.customerId, productId: product.id, quantity: 1 });
    const cancelled = await engine.useCases.placeOrder({ customerId: bob.customerId, productId: product.id, quantity: 1 });
    if (!paid.ok || !cancelled.ok) throw new Error('orders were rejected');

    const payment = await engine.useCases.initiatePayment({ orderId: paid.order.id, actor: ann });
    if (!payment.ok) throw new Error(`not payable: ${payment.status}`);
    await engine.useCases.handlePaymentResult({ paymentId: payment.paymentId, outcome: 'succeeded', reference: 'ref-1' });
    await engine.useCases.cancelOrder({ orderId: cancelled.order.id, actor: bob });

    await waitFor(() => statusesOf(paid.order.id).length === 2 && statusesOf(cancelled.order.id).length === 2, {
      message: 'two progress webhooks per order',
    });
    expect(statusesOf(paid.order.id)).toEqual(['PAYMENT_PENDING', 'CONFIRMED']);
    expect(statusesOf(cancelled.order.id)).toEqual(['PAYMENT_PENDING', 'CANCELLED']);

    // The first two requests failed and were retried; every request carried a valid signature.
    expect(crm.requests.slice(0, 2).map((request) => request.status)).toEqual([503, 503]);
    expect(crm.requests.every((request) => request.signatureOk)).toBe(true);
    // Only order.progress reaches the CRM: order.placed is not among its events.
    expect(crm.accepted().every((body) => body.type === 'order.progress')).toBe(true);
    expect(crm.accepted()).toHaveLength(4);
  });

  it('sends a redelivered event again under the same delivery id, which the receiver drops', async () => {
    const event = {
      id: randomUUID(),
      topic: TOPICS.orders,
      type: 'order.progress',
      aggregateId: `order-${randomUUID()}`,
      payload: { orderId: 'x', customerId: 'ann', status: 'CONFIRMED', reason: null, at: new Date().toISOString() },
      occurredAt: new Date().toISOString(),
    };
    // An at-least-once bus may hand the same event over twice (after a crash, say).
    await engine.ports.eventBus.publish([event, event]);
    const attempts = () => crm.requests.filter((request) => request.headers[WEBHOOK_HEADERS.eventId] === event.id);
    await waitFor(() => attempts().length === 2, { message: 'both deliveries' });
    expect(new Set(attempts().map((request) => request.headers[WEBHOOK_HEADERS.deliveryId]))).toEqual(
      new Set([deliveryIdOf('crm', event.id)]),
    );
    expect(crm.accepted().filter((body) => body.id === event.id)).toHaveLength(1);
  });

  it('gives up on a dead endpoint after its attempts, without holding up the others', async () => {
    await waitFor(() => givenUp.length === 2, { message: 'both order.placed deliveries given up' });
    expect(givenUp.every((failure) => failure.endpointId === 'dead' && failure.eventType === 'order.placed')).toBe(true);
    expect(givenUp.every((failure) => failure.attempts === FAST.maxAttempts && failure.status === 500)).toBe(true);
    expect(dead.requests).toHaveLength(2 * FAST.maxAttempts);
  });
});

describe('webhook plugin options', () => {
  it('fail when the plugin is created, not at the first event', () => {
    expect(() => webhookPlugin({ endpoints: [] })).toThrow(/at least one endpoint/);
    expect(() => webhookPlugin({ endpoints: [{ id: 'a', url: 'ftp://x', secret: SECRET }] })).toThrow(/http\(s\) url/);
    expect(() => webhookPlugin({ endpoints: [{ id: 'a', url: 'http://x', secret: 'short' }] })).toThrow(/16 characters/);
    expect(() =>
      webhookPlugin({
        endpoints: [
          { id: 'a', url: 'http://x', secret: SECRET },
          { id: 'a', url: 'http://y', secret: SECRET },
        ],
      }),
    ).toThrow(/used twice/);
    expect(() => webhookPlugin({ endpoints: [{ id: 'a', url: 'http://x', secret: SECRET }], retry: { maxAttempts: 0 } })).toThrow(
      /maxAttempts/,
    );
  });

  it('subscribes on worker processes only', async () => {
    const subscriptionsWith = async (roles: readonly ('api' | 'worker' | 'relay')[]): Promise<string[]> => {
      const engine = createEngine({
        adapters: { logger: createConsoleLogger({ level: 'silent' }) },
        config: { roles },
        plugins: [webhookPlugin({ endpoints: [{ id: 'a', url: 'http://127.0.0.1:9/hooks', secret: SECRET }] })],
      });
      const groups: string[] = [];
      const subscribe = engine.ports.eventBus.subscribe.bind(engine.ports.eventBus);
      Object.assign(engine.ports.eventBus, {
        subscribe: (...args: Parameters<typeof subscribe>) => {
          groups.push(args[1]);
          return subscribe(...args);
        },
      });
      await engine.start();
      await engine.stop();
      return groups.filter((group) => group.startsWith('webhooks.'));
    };
    expect(await subscriptionsWith(['api'])).toEqual([]);
    expect(await subscriptionsWith(['worker'])).toContain('webhooks.a');
  });
});
