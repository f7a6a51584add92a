import { waitFor } from '@limitedcart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type SseStream } from './sse.js';
import {
  type Client,
  client,
  createStockedProduct,
  createUsers,
  DECLINED_CARD,
  type Json,
  startTestServer,
  type TestServer,
  type TestUser,
  VALID_CARD,
} from './support.js';

const GATEWAY_ERROR_CARD = { ...VALID_CARD, number: '4000000000000119' };

/** The stream's events of one type for one order, parsed. */
const eventsOf = (stream: SseStream, type: string, orderId: string): Json[] =>
  stream.events
    .filter((event) => event.event === type)
    .map((event) => JSON.parse(event.data) as Json)
    .filter((data) => data.orderId === orderId);

const tokenOf = (paymentLink: string): string => paymentLink.split('/pay/')[1]!;

/** Waits for the order's saga to take it to PAYMENT_PENDING (the order is payable from PENDING on, too). */
const awaitingPayment = (api: Client, buyer: TestUser, orderId: string) =>
  waitFor(async () => (await api.get(`/api/orders/${orderId}`, { token: buyer.token })).body.order.status === 'PAYMENT_PENDING', {
    message: `order ${orderId} PAYMENT_PENDING`,
  });

/**
 * Payment retries and the hold grace over HTTP, on the durable composition (Postgres stores and gate, pg-boss sagas):
 * a decline leaves the order payable until its hold ends; a payment starting near the end of the hold extends it once.
 */
describe('payment retries and the hold grace (durable composition)', () => {
  describe('with a long hold', () => {
    let server: TestServer;
    let api: Client;

    beforeAll(async () => {
      server = await startTestServer('postgres');
      api = client(server.url);
    }, 120_000);
    afterAll(async () => {
      await server?.close();
    });

    const placeAndLink = async (buyer: TestUser) => {
      const product = await createStockedProduct(server, { units: 3 });
      const placed = await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: buyer.token });
      expect(placed.status).toBe(202);
      await awaitingPayment(api, buyer, placed.body.orderId);
      const initiated = await api.post('/api/payments/initiate', { orderId: placed.body.orderId }, { token: buyer.token });
      expect(initiated.status).toBe(201);
      return { product, orderId: placed.body.orderId as string, initiated: initiated.body as Json };
    };

    it('decline, then a retry with a good card on the same link confirms the order', async () => {
      const [buyer] = await createUsers(server, 1);
      const stream = await openSse(`${server.url}/api/notifications/stream`, { authorization: `Bearer ${buyer!.token}` });
      try {
        const { product, orderId, initiated } = await placeAndLink(buyer!);
        const token = tokenOf(initiated.paymentLink);

        const declined = await api.post('/api/payments/process', { token, card: DECLINED_CARD });
        expect(declined.status).toBe(402);
        expect(declined.headers.get('content-type')).toContain('application/problem+json');
        expect(declined.body).toMatchObject({
          code: 'PAYMENT_DECLINED',
          reason: 'CARD_DECLINED',
          paymentId: initiated.paymentId,
          orderId,
          retryable: true,
          holdUntil: initiated.holdUntil,
        });

        // The order stays payable, with the failed attempt visible on the order read and over SSE.
        const read = await api.get(`/api/orders/${orderId}`, { token: buyer!.token });
        expect(read.body.order.status).toBe('PAYMENT_PENDING');
        expect(read.body.paymentAttempts).toBe(1);
        expect(read.body.lastPayment).toMatchObject({ id: initiated.paymentId, status: 'DECLINED', failureReason: 'CARD_DECLINED' });
        const failure = await waitFor(
          () => eventsOf(stream, 'order.payment-failed', orderId)[0],
          { message: 'an order.payment-failed event' },
        );
        expect(failure).toMatchObject({
          status: 'PAYMENT_PENDING',
          holdUntil: initiated.holdUntil,
          paymentFailure: { paymentId: initiated.paymentId, status: 'DECLINED', reason: 'CARD_DECLINED' },
        });
        const link = await api.get(`/api/payments/link/${token}`);
        expect(link.body).toMatchObject({ status: 'DECLINED', orderStatus: 'PAYMENT_PENDING', holdUntil: initiated.holdUntil });

        const paid = await api.post('/api/payments/process', { token, card: VALID_CARD });
        expect(paid.status).toBe(200);
        expect(paid.body).toMatchObject({ orderId, outcome: 'succeeded' });
        expect(paid.body.paymentId, 'the retry is a new payment attempt').not.toBe(initiated.paymentId);
        await waitFor(async () => (await api.get(`/api/orders/${orderId}`, { token: buyer!.token })).body.order.status === 'CONFIRMED', {
          message: `order ${orderId} CONFIRMED`,
        });
        // Status transitions only on order.progress: the decline was no transition.
        await waitFor(() => eventsOf(stream, 'order.progress', orderId).some((data) => data.status === 'CONFIRMED'), {
          message: 'order.progress CONFIRMED',
        });
        expect(eventsOf(stream, 'order.progress', orderId).map((data) => data.status)).toEqual(['PAYMENT_PENDING', 'CONFIRMED']);
        const confirmed = await api.get(`/api/orders/${orderId}`, { token: buyer!.token });
        expect(confirmed.body).toMatchObject({ paymentAttempts: 2, lastPayment: { id: paid.body.paymentId, status: 'SUCCEEDED' } });
        expect(await server.engine.ports.stockGate.snapshot(product.sku)).toMatchObject({ held: 0, sold: 1, available: 2 });
        expect((await api.get(`/api/payments/${initiated.paymentId}`, { token: buyer!.token })).body.payment.status).toBe('DECLINED');
      } finally {
        stream.close();
      }
    }, 60_000);

    it('a gateway error and a decline, then a new link from initiate, pays the order', async () => {
      const [buyer] = await createUsers(server, 1);
      const { orderId, initiated } = await placeAndLink(buyer!);
      const token = tokenOf(initiated.paymentLink);
      const flaky = await api.post('/api/payments/process', { token, card: GATEWAY_ERROR_CARD });
      expect(flaky.status).toBe(502);
      expect(flaky.body).toMatchObject({ code: 'PAYMENT_GATEWAY_ERROR', retryable: true, paymentId: initiated.paymentId });
      const declined = await api.post('/api/payments/process', { token, card: DECLINED_CARD });
      expect(declined.status).toBe(402);
      // After a decline, initiate opens the next attempt (201) with its own link.
      const next = await api.post('/api/payments/initiate', { orderId }, { token: buyer!.token });
      expect(next.status).toBe(201);
      expect(next.body.paymentId).not.toBe(initiated.paymentId);
      const again = await api.post('/api/payments/initiate', { orderId }, { token: buyer!.token });
      expect(again).toMatchObject({ status: 200, body: { paymentId: next.body.paymentId } });
      const paid = await api.post('/api/payments/process', { token: tokenOf(next.body.paymentLink), card: VALID_CARD });
      expect(paid.body).toMatchObject({ paymentId: next.body.paymentId, outcome: 'succeeded' });
      await waitFor(async () => (await api.get(`/api/orders/${orderId}`, { token: buyer!.token })).body.order.status === 'CONFIRMED', {
        message: `order ${orderId} CONFIRMED`,
      });
    }, 60_000);
  });

  describe('with a short hold', () => {
    let server: TestServer;
    let api: Client;

    beforeAll(async () => {
      // Holds of 3 s and a grace of 20 s: every payment starts "near the end of its hold".
      server = await startTestServer('postgres', { PAYMENT_WINDOW_SECONDS: '3', PAYMENT_GRACE_SECONDS: '20' });
      api = client(server.url);
    }, 120_000);
    afterAll(async () => {
      await server?.close();
    });

    it('starting a payment extends the hold once: visible on initiate, the order read and over SSE', async () => {
      const [buyer] = await createUsers(server, 1);
      const product = await createStockedProduct(server, { units: 2 });
      const stream = await openSse(`${server.url}/api/notifications/stream`, { authorization: `Bearer ${buyer!.token}` });
      try {
        const placed = await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: buyer!.token });
        const placedUntil = Date.parse(placed.body.holdUntil);
        const initiated = await api.post('/api/payments/initiate', { orderId: placed.body.orderId }, { token: buyer!.token });
        expect(initiated.status).toBe(201);
        const extendedUntil = Date.parse(initiated.body.holdUntil);
        expect(extendedUntil, 'the hold moved past its original end').toBeGreaterThan(placedUntil);
        expect(extendedUntil, 'by at most the grace').toBeLessThanOrEqual(placedUntil + 20_000 + 1_000);

        const read = await api.get(`/api/orders/${placed.body.orderId}`, { token: buyer!.token });
        expect(read.body.order.holdUntil).toBe(initiated.body.holdUntil);
        expect(Date.parse(read.body.serverTime)).toBeLessThan(extendedUntil);
        await waitFor(
          () => eventsOf(stream, 'order.hold-extended', placed.body.orderId).some((data) => data.holdUntil === initiated.body.holdUntil),
          { message: 'an order.hold-extended event with the new holdUntil' },
        );

        // Once: a second start keeps the extended end.
        const again = await api.post('/api/payments/initiate', { orderId: placed.body.orderId }, { token: buyer!.token });
        expect(again.body.holdUntil).toBe(initiated.body.holdUntil);

        // The saga's deadline followed the hold: past the original end the order still waits, and a payment confirms it.
        await waitFor(() => Date.now() > placedUntil + 2_000, { message: 'the original hold end to pass' });
        const paid = await api.post('/api/payments/process', { token: tokenOf(initiated.body.paymentLink), card: VALID_CARD });
        expect(paid.status).toBe(200);
        await waitFor(
          async () => (await api.get(`/api/orders/${placed.body.orderId}`, { token: buyer!.token })).body.order.status === 'CONFIRMED',
          { message: 'CONFIRMED after the original hold end' },
        );
        expect(await server.engine.ports.stockGate.snapshot(product.sku)).toMatchObject({ held: 0, sold: 1 });
      } finally {
        stream.close();
      }
    }, 60_000);

    it('after a decline the order ends FAILED when the hold ends; a retry then is refused with HOLD_EXPIRED', async () => {
      const [buyer] = await createUsers(server, 1);
      const product = await createStockedProduct(server, { units: 2 });
      const placed = await api.post('/api/orders', { productId: product.id, quantity: 1 }, { token: buyer!.token });
      await awaitingPayment(api, buyer!, placed.body.orderId);
      const initiated = await api.post('/api/payments/initiate', { orderId: placed.body.orderId }, { token: buyer!.token });
      const token = tokenOf(initiated.body.paymentLink);
      expect((await api.post('/api/payments/process', { token, card: DECLINED_CARD })).status).toBe(402);

      const ended = await waitFor(
        async () => {
          const read = await api.get(`/api/orders/${placed.body.orderId}`, { token: buyer!.token });
          return ['PENDING', 'PAYMENT_PENDING'].includes(read.body.order.status) ? null : read.body.order;
        },
        { timeoutMs: 60_000, message: 'the order to end once its hold ends' },
      );
      expect(ended.status).toBe('FAILED');
      expect(ended.statusReason).toContain('CARD_DECLINED');
      expect(ended.statusReason).toContain('hold ended');
      await waitFor(async () => (await server.engine.ports.stockGate.snapshot(product.sku))?.held === 0, { message: 'stock released' });
      expect(await server.engine.ports.stockGate.snapshot(product.sku)).toMatchObject({ available: 2, held: 0, sold: 0 });

      const charges = await server.engine.ports.payments.listByOrder(placed.body.orderId);
      const late = await api.post('/api/payments/process', { token, card: VALID_CARD });
      expect(late.status).toBe(409);
      expect(late.headers.get('content-type')).toContain('application/problem+json');
      expect(late.body).toMatchObject({ code: 'HOLD_EXPIRED', orderStatus: 'FAILED', holdUntil: ended.holdUntil });
      expect(await server.engine.ports.payments.listByOrder(placed.body.orderId), 'nothing new was opened or charged').toEqual(charges);
      const relink = await api.post('/api/payments/initiate', { orderId: placed.body.orderId }, { token: buyer!.token });
      expect(relink).toMatchObject({ status: 409, body: { code: 'NOT_PAYABLE', orderStatus: 'FAILED' } });
    }, 90_000);
  });
});
