import { Badge } from '@mantine/core';
import type { OrderStatus } from '../api/types.js';
import { STATUS_COLOR, STATUS_LABEL } from './format.js';

export function StatusBadge({ status }: { readonly status: OrderStatus }) {
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" data-testid="order-status" data-status={status}>
      {STATUS_LABEL[status]}
    </Badge>
  );
}
