import { Text, Timeline } from '@mantine/core';
import type { Order, OrderStatus } from '../../api/types.js';
import { formatDateTime, STATUS_COLOR, STATUS_LABEL } from '../../components/format.js';
import type { ProgressEvent } from '../../live/notification-stream.js';

const DESCRIPTION: Partial<Record<OrderStatus, string>> = {
  PENDING: 'Stock is held for you.',
  PAYMENT_PENDING: 'Waiting for your payment.',
  CONFIRMED: 'Paid. The units are yours.',
  CANCELLED: 'Cancelled. The hold was released.',
  EXPIRED: 'The payment window ended. The hold was released.',
  FAILED: 'The order failed. The hold was released.',
};

interface Entry {
  readonly key: string;
  readonly status: OrderStatus;
  readonly at: string;
  readonly reason: string | null;
}

/**
 * The order's history: its placement, then every `order.progress` event the stream delivered (replayed after
 * a reconnect, deduplicated by event id). A status repeated by a redelivery shows once.
 */
export function OrderTimeline({ order, events }: { readonly order: Order; readonly events: readonly ProgressEvent[] }) {
  const entries: Entry[] = [{ key: 'placed', status: 'PENDING', at: order.createdAt, reason: null }];
  for (const event of events) {
    if (entries.some((entry) => entry.status === event.progress.status)) continue;
    entries.push({ key: event.id, status: event.progress.status, at: event.progress.at, reason: event.progress.reason });
  }
  // The stream may not have delivered the latest step yet (or was offline): the fetched order fills it in.
  if (!entries.some((entry) => entry.status === order.status)) {
    entries.push({ key: 'current', status: order.status, at: order.updatedAt, reason: order.statusReason });
  }
  return (
    <Timeline active={entries.length - 1} bulletSize={18} lineWidth={2} aria-label="Order timeline" data-testid="order-timeline">
      {entries.map((entry) => (
        <Timeline.Item key={entry.key} title={STATUS_LABEL[entry.status]} color={STATUS_COLOR[entry.status]} data-status={entry.status}>
          <Text size="sm">{DESCRIPTION[entry.status]}</Text>
          {entry.reason && (
            <Text size="sm" c="dimmed">
              Reason: {entry.reason}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {formatDateTime(entry.at)}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
