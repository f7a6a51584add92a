import type { DomainEvent } from '@limitedcart/core';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

/** Headers every published record carries, so tools can route or inspect records without parsing the value. */
export const HEADERS = {
  eventId: 'event-id',
  eventType: 'event-type',
  contentType: 'content-type',
  deadLetterReason: 'dead-letter-reason',
  deadLetterGroup: 'dead-letter-group',
  deadLetterAttempts: 'dead-letter-attempts',
  deadLetterSource: 'dead-letter-source',
} as const;

/**
 * One event as one record: keyed by aggregate id, so the default partitioner puts an aggregate's events on one
 * partition and the group handles them in order. The value is the whole event as JSON (its logical topic
 * included), which is what subscribers get back.
 */
export const encodeEvent = (event: DomainEvent): Message => ({
  key: event.aggregateId,
  value: JSON.stringify(event),
  headers: {
    [HEADERS.eventId]: event.id,
    [HEADERS.eventType]: event.type,
    [HEADERS.contentType]: 'application/json',
  },
});

export type Decoded = { readonly ok: true; readonly event: DomainEvent } | { readonly ok: false; readonly reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a record back into an event; a record that is not one (a poison message) is reported, not thrown. */
export const decodeEvent = (message: KafkaMessage): Decoded => {
  if (message.value === null) return { ok: false, reason: 'record has no value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `record value is not JSON: ${(error as Error).message}` };
  }
  if (!isRecord(parsed)) return { ok: false, reason: 'record value is not a JSON object' };
  for (const field of ['id', 'topic', 'type', 'aggregateId', 'occurredAt'] as const) {
    if (typeof parsed[field] !== 'string') return { ok: false, reason: `record value has no string "${field}"` };
  }
  if (!isRecord(parsed.payload)) return { ok: false, reason: 'record value has no object "payload"' };
  return { ok: true, event: parsed as unknown as DomainEvent };
};

export interface DeadLetterContext {
  readonly reason: string;
  readonly group: string;
  readonly attempts: number;
  readonly topic: string;
  readonly partition: number;
}

/** The dead-letter copy: the original key, value and headers, plus why and where it failed. */
export const deadLetterMessage = (message: KafkaMessage, context: DeadLetterContext): Message => {
  const headers: IHeaders = { ...(message.headers ?? {}) };
  headers[HEADERS.deadLetterReason] = context.reason.slice(0, 2_000);
  headers[HEADERS.deadLetterGroup] = context.group;
  headers[HEADERS.deadLetterAttempts] = String(context.attempts);
  headers[HEADERS.deadLetterSource] = `${context.topic}/${context.partition}/${message.offset}`;
  return { key: message.key, value: message.value, headers };
};
