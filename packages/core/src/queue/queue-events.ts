import type { DomainEvent } from '../domain/events.js';
import { TOPICS } from '../domain/events.js';
import { newId } from '../domain/ids.js';

/** `queue.round`: what one admitter round did to a drop's line; one event per drop per round, not one per shopper. */
export const QUEUE_ROUND_EVENT = 'queue.round';

/** The events a shopper's stream carries about a queue they are in. */
export const QUEUE_NOTICE_TYPES = {
  position: 'queue.position',
  admitted: 'queue.admitted',
  lapsed: 'queue.lapsed',
  soldOut: 'queue.sold-out',
} as const;

export type QueueNoticeType = (typeof QUEUE_NOTICE_TYPES)[keyof typeof QUEUE_NOTICE_TYPES];

export interface QueueRoundPayload {
  readonly productId: string;
  /** Shoppers admitted in this round, in queue order (a large round is split over several events). */
  readonly admitted: readonly { readonly customerId: string; readonly admittedUntil: string }[];
  /** Shoppers whose admission lapsed unused. */
  readonly lapsed: readonly string[];
  /** The round closed the queue sold out: everyone still waiting is turned away. */
  readonly soldOut: boolean;
  /** Shoppers taken from the head of the line by this event: everyone still waiting moved up by as many places. */
  readonly moved: number;
  /** Shoppers waiting after the round. */
  readonly waiting: number;
  /** Admissions running after the round. */
  readonly running: number;
  /** Shoppers who left the line or let an admission lapse, so far: while it stays the same, no waiting place freed up. */
  readonly abandoned: number;
  /** Whether the line's order is settled (after a raffle's draw). */
  readonly drawn: boolean;
  readonly opensAt: string;
  readonly admitForSeconds: number;
  readonly at: string;
  readonly [key: string]: unknown;
}

/** Admissions per event: bounds an event's size when the opening round admits a thousand shoppers at once. */
const ADMISSIONS_PER_EVENT = 200;

/**
 * The events of one round: one, or one per slice of its admissions; `lapsed`, `soldOut` and the counts travel in the
 * last, so a consumer applying them in order ends at the round's state.
 */
export interface QueueRound {
  readonly productId: string;
  readonly admitted: QueueRoundPayload['admitted'];
  readonly lapsed: readonly string[];
  readonly soldOut: boolean;
  readonly waiting: number;
  readonly running: number;
  readonly abandoned: number;
  readonly drawn: boolean;
  readonly opensAt: string;
  readonly admitForSeconds: number;
  readonly at: string;
}

export function queueRoundEvents(round: QueueRound): DomainEvent<QueueRoundPayload>[] {
  const slices: QueueRoundPayload['admitted'][] = [];
  for (let i = 0; i < round.admitted.length; i += ADMISSIONS_PER_EVENT) slices.push(round.admitted.slice(i, i + ADMISSIONS_PER_EVENT));
  if (slices.length === 0) slices.push([]);
  return slices.map((admitted, index) => {
    const last = index === slices.length - 1;
    return {
      id: newId(),
      topic: TOPICS.queues,
      type: QUEUE_ROUND_EVENT,
      aggregateId: round.productId,
      payload: {
        ...round,
        admitted,
        moved: admitted.length,
        lapsed: last ? round.lapsed : [],
        soldOut: last && round.soldOut,
      },
      occurredAt: round.at,
    };
  });
}
