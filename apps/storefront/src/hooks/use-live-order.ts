import { useEffect } from 'react';
import { orders } from '../api/endpoints.js';
import type { Order, OrderDetail, OrderStatus } from '../api/types.js';
import { useOrderProgress } from '../live/live.js';
import type { ProgressEvent } from '../live/notification-stream.js';
import { type Resource, useResource } from './use-resource.js';

/** Polled as a fallback only: the stream normally reports every change first. */
const ORDER_POLL_MS = 10_000;

export interface LiveOrder {
  readonly loaded: Resource<OrderDetail | null>;
  readonly order: Order | undefined;
  /** The newer of the fetched order's status and the stream's latest event for it. */
  readonly status: OrderStatus | undefined;
  readonly events: readonly ProgressEvent[];
  /** The latest payment attempt, on servers that report it. */
  readonly lastPayment: OrderDetail['lastPayment'] | undefined;
}

/**
 * One order, kept current by the notification stream (each event reloads the row: reason, holdUntil). With
 * `enabled` false (nobody signed in to read it) nothing is fetched.
 */
export function useLiveOrder(id: string, enabled = true): LiveOrder {
  const events = useOrderProgress(id);
  const loaded = useResource(async () => (enabled && id ? orders.get(id) : null), [id, enabled], ORDER_POLL_MS);
  const { reload } = loaded;
  useEffect(() => {
    if (events.length > 0) void reload();
  }, [events.length, reload]);
  const order = enabled ? (loaded.data?.order ?? undefined) : undefined;
  const latest = events.at(-1)?.progress;
  const status = order && (latest && Date.parse(latest.at) >= Date.parse(order.updatedAt) ? latest.status : order.status);
  return { loaded, order, status, events, lastPayment: enabled ? loaded.data?.lastPayment : undefined };
}
