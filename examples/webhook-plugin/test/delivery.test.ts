import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@limitedcart/core';
import { createConsoleLogger } from '@limitedcart/core/memory';
import { waitFor } from '@limitedcart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY,
  deliverWithRetries,
  deliveryIdOf,
  retryDelay,
  signPayload,
  verifySignature,
  WEBHOOK_HEADERS,
} from '../src/index.js';
import { type Receiver, startReceiver } from './receiver.js';

const SECRET = 'whsec_test_0123456789abcdef';
const FAST = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, jitter: false };

const event = (): DomainEvent => ({
  id: randomUUID(),
  topic: 'orders',
  type: 'order.progress',
  aggregateId: 'order-1',
  payload: { orderId: 'order-1', customerId: 'ann', status: 'CONFIRMED', reason: null, at: new Date().toISOString() },
  occurredAt: new Date().toISOString(),
});

describe('webhook delivery', () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  const logs: { message: string; level: string }[] = [];
  const logger = createConsoleLogger({
    level: 'debug',
    write: (line, level) => logs.push({ message: (JSON.parse(line) as { msg: string }).msg, level }),
  });
  const deliver = (url: string, ev: DomainEvent, retry = FAST) =>
    deliverWithRetries({ id: 'crm', url, secret: SECRET, events: ['order.progress'] }, ev, {
      retry,
      timeoutMs: 2_000,
      fetch,
      logger,
    });

  it('retries a receiver that fails twice, with one delivery id and a valid signature on every attempt', async () => {
    receiver = await startReceiver({ secret: SECRET, respond: (n) => (n < 2 ? 503 : 200) });
    const ev = event();
    const outcome = await deliver(receiver.url, ev);
    expect(outcome).toEqual({ delivered: true, deliveryId: deliveryIdOf('crm', ev.id), attempts: 3, status: 200 });
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(receiver.requests.every((r) => r.signatureOk)).toBe(true);
    expect(receiver.requests.map((r) => r.headers[WEBHOOK_HEADERS.attempt])).toEqual(['1', '2', '3']);
    expect(new Set(receiver.requests.map((r) => r.headers[WEBHOOK_HEADERS.deliveryId]))).toEqual(
      new Set([deliveryIdOf('crm', ev.id)]),
    );
    expect(receiver.accepted()).toEqual([
      { id: ev.id, type: 'order.progress', occurredAt: ev.occurredAt, aggregateId: 'order-1', data: ev.payload },
    ]);
  });

  it('gives up after the last attempt and logs it, without throwing', async () => {
    receiver = await startReceiver({ secret: SECRET, respond: () => 500 });
    logs.length = 0;
    const ev = event();
    const outcome = await deliver(receiver.url, ev);
    expect(outcome).toMatchObject({ delivered: false, attempts: FAST.maxAttempts, status: 500, error: 'HTTP 500', eventId: ev.id });
    expect(receiver.requests).toHaveLength(FAST.maxAttempts);
    expect(logs.filter((l) => l.message === 'webhook attempt failed; retrying')).toHaveLength(FAST.maxAttempts - 1);
    expect(logs).toContainEqual({ message: 'webhook given up', level: 'error' });
  });

  it('does not retry a request the receiver refuses (4xx)', async () => {
    receiver = await startReceiver({ secret: SECRET, respond: () => 422 });
    const outcome = await deliver(receiver.url, event());
    expect(outcome).toMatchObject({ delivered: false, attempts: 1, status: 422 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('retries when nothing answers at all', async () => {
    const closed = await startReceiver({ secret: SECRET });
    const url = closed.url;
    await closed.close();
    const outcome = await deliver(url, event(), { ...FAST, maxAttempts: 2 });
    expect(outcome).toMatchObject({ delivered: false, attempts: 2, status: null });
  });

  it('stops waiting and rejects as soon as the shutdown signal aborts', async () => {
    const server = await startReceiver({ secret: SECRET, respond: () => 503 });
    receiver = server;
    const shutdown = new AbortController();
    const delivery = deliverWithRetries({ id: 'crm', url: server.url, secret: SECRET, events: ['order.progress'] }, event(), {
      retry: { maxAttempts: 3, baseDelayMs: 600_000, maxDelayMs: 600_000, jitter: false },
      timeoutMs: 2_000,
      fetch,
      logger,
      signal: shutdown.signal,
    });
    // The first attempt failed and a ten-minute wait began; the abort must end it.
    await waitFor(() => server.requests.length === 1, { message: 'first attempt' });
    shutdown.abort(new Error('shutting down'));
    await expect(delivery).rejects.toThrow('shutting down');
    expect(server.requests).toHaveLength(1);
  });

  it('is refused by a receiver holding another secret', async () => {
    receiver = await startReceiver({ secret: 'another-secret-0123456789' });
    const outcome = await deliver(receiver.url, event(), { ...FAST, maxAttempts: 1 });
    expect(outcome).toMatchObject({ delivered: false, status: 401 });
    expect(receiver.requests[0]?.signatureOk).toBe(false);
  });
});

describe('signatures', () => {
  const body = '{"id":"e1"}';
  const now = new Date('2026-11-25T12:00:00Z');
  const t = Math.floor(now.getTime() / 1000);

  it('verify the exact body within the tolerance only', () => {
    const header = signPayload(SECRET, body, t);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(SECRET, header, body, { now })).toEqual({ ok: true });
    expect(verifySignature(SECRET, header, `${body} `, { now })).toEqual({ ok: false, reason: 'MISMATCH' });
    expect(verifySignature('wrong-secret-0123456789', header, body, { now })).toEqual({ ok: false, reason: 'MISMATCH' });
    expect(verifySignature(SECRET, header, body, { now: new Date(now.getTime() + 301_000) })).toEqual({ ok: false, reason: 'STALE' });
    expect(verifySignature(SECRET, undefined, body, { now })).toEqual({ ok: false, reason: 'MISSING' });
    expect(verifySignature(SECRET, 't=abc,v1=zz', body, { now })).toEqual({ ok: false, reason: 'MALFORMED' });
    // The timestamp is signed too: moving it breaks the signature.
    const moved = header.replace(`t=${t}`, `t=${t + 1}`);
    expect(verifySignature(SECRET, moved, body, { now })).toEqual({ ok: false, reason: 'MISMATCH' });
  });
});

describe('retry delays', () => {
  it('double per attempt up to the cap, honour Retry-After within it, and jitter in the upper half', () => {
    const policy = { ...DEFAULT_RETRY, jitter: false };
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, policy))).toEqual([500, 1_000, 2_000, 4_000]);
    expect(retryDelay(20, policy)).toBe(30_000);
    expect(retryDelay(1, policy, 3)).toBe(3_000);
    expect(retryDelay(1, policy, 3_600)).toBe(30_000);
    const jittered = { ...DEFAULT_RETRY, jitter: true };
    expect(retryDelay(3, jittered, null, () => 0)).toBe(1_000);
    expect(retryDelay(3, jittered, null, () => 0.999_999)).toBe(2_000);
  });
});
