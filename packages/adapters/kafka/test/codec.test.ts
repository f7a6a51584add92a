import { newId } from '@limitedcart/core';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { deadLetterMessage, decodeEvent, encodeEvent, HEADERS } from '../src/codec.js';

const record = (value: string | null, headers: KafkaMessage['headers'] = {}): KafkaMessage => ({
  key: Buffer.from('k'),
  value: value === null ? null : Buffer.from(value),
  headers,
  offset: '41',
  timestamp: '0',
  attributes: 0,
});

describe('record codec', () => {
  it('round-trips an event and keys it by aggregate id', () => {
    const event = { id: newId(), topic: 'orders', type: 'order.placed', aggregateId: newId(), payload: { n: 1 }, occurredAt: new Date().toISOString() };
    const message = encodeEvent(event);
    expect(message.key).toBe(event.aggregateId);
    expect(message.headers).toMatchObject({ [HEADERS.eventId]: event.id, [HEADERS.eventType]: 'order.placed' });
    expect(decodeEvent(record(String(message.value)))).toEqual({ ok: true, event });
  });

  it.each([
    ['no value', null, /no value/],
    ['not JSON', '{oops', /not JSON/],
    ['not an object', '[1]', /not a JSON object/],
    ['no id', JSON.stringify({ topic: 't', type: 'x', aggregateId: 'a', occurredAt: 'now', payload: {} }), /"id"/],
    ['no payload', JSON.stringify({ id: 'i', topic: 't', type: 'x', aggregateId: 'a', occurredAt: 'now' }), /"payload"/],
  ])('reports a record with %s as poison instead of throwing', (_name, value, reason) => {
    const decoded = decodeEvent(record(value));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });

  it('keeps key, value and headers in the dead-letter copy and says where it came from', () => {
    const original = record('v', { [HEADERS.eventId]: Buffer.from('e1') });
    const copy = deadLetterMessage(original, { reason: 'boom', group: 'g', attempts: 3, topic: 'p.orders', partition: 2 });
    expect(copy.key).toEqual(original.key);
    expect(copy.value).toEqual(original.value);
    expect(copy.headers).toMatchObject({
      [HEADERS.eventId]: Buffer.from('e1'),
      [HEADERS.deadLetterReason]: 'boom',
      [HEADERS.deadLetterGroup]: 'g',
      [HEADERS.deadLetterAttempts]: '3',
      [HEADERS.deadLetterSource]: 'p.orders/2/41',
    });
  });
});
