/**
 * A domain event as it travels through the outbox and the event bus. `id` is unique and stable across
 * redeliveries: handlers deduplicate by it.
 */
export interface DomainEvent<TPayload = Record<string, unknown>> {
  readonly id: string;
  readonly topic: string;
  readonly type: string;
  /** Events of one aggregate keep their order (Kafka key, outbox sequence). */
  readonly aggregateId: string;
  readonly payload: TPayload;
  readonly occurredAt: string;
}

export const TOPICS = {
  orders: 'orders',
  products: 'products',
  payments: 'payments',
  accounts: 'accounts',
  /** The rounds of queued drops' admitters (`queue.round`), for the waiting rooms' live position. */
  queues: 'queues',
} as const;

export interface OrderPlacedPayload {
  readonly orderId: string;
  readonly customerId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly holdUntil: string;
  readonly [key: string]: unknown;
}

export interface OrderProgressPayload {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: string;
  readonly reason: string | null;
  readonly at: string;
  readonly [key: string]: unknown;
}

export interface ProductChangedPayload {
  readonly productId: string;
  readonly change: 'created' | 'updated' | 'archived' | 'restocked';
  readonly [key: string]: unknown;
}

/**
 * `account.changed`: an account's roles, disabled flag or sessions changed. Each api process drops what it cached
 * about the account (or the listed sessions), so the change reaches every replica's token checks at once.
 */
export interface AccountChangedPayload {
  readonly customerId: string;
  readonly change: 'roles' | 'disabled' | 'enabled' | 'sessions-revoked';
  /** The sessions that ended, for `sessions-revoked`. */
  readonly sessionIds?: readonly string[];
  readonly [key: string]: unknown;
}
