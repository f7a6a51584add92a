import { createHash } from 'node:crypto';
import type { DomainEvent } from '@limitedcart/core';

/** The JSON body of a delivery. `data` is the event's payload as the engine emitted it. */
export interface WebhookBody {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly aggregateId: string;
  readonly data: Record<string, unknown>;
}

export const webhookBody = (event: DomainEvent): WebhookBody => ({
  id: event.id,
  type: event.type,
  occurredAt: event.occurredAt,
  aggregateId: event.aggregateId,
  data: event.payload,
});

/**
 * Derived, not random: a redelivered event (the bus is at-least-once) gets the same delivery id for the
 * same endpoint, so the receiver can drop the duplicate.
 */
export const deliveryIdOf = (endpointId: string, eventId: string): string =>
  `whd_${createHash('sha256').update(`${endpointId}\u0000${eventId}`).digest('hex').slice(0, 32)}`;
