import { Card, Group, Stack, Text, Title } from '@mantine/core';
import type { Money, Order } from '../../api/types.js';
import { formatDuration, formatMoney } from '../../components/format.js';
import { useProductName } from '../../hooks/use-product.js';

function OrderLine({ order }: { readonly order: Order }) {
  const name = useProductName(order.productId);
  return (
    <Group justify="space-between" wrap="nowrap" data-testid="payment-order-line">
      <Text>
        {order.quantity} × {name}
      </Text>
      <Text c="dimmed" size="sm">
        {formatMoney(order.unitPrice)} each
      </Text>
    </Group>
  );
}

/**
 * What is being paid: the order's line (when the signed-in owner can read the order), the amount, and while the
 * order waits for payment the hold countdown on the server's clock.
 */
export function PaymentSummary({
  order,
  amount,
  amountLabel,
  holdLeft,
}: {
  readonly order: Order | undefined;
  readonly amount: Money;
  /** How the amount is labelled: still due, paid, or neither (the order ended unpaid). */
  readonly amountLabel: 'Amount due' | 'Amount paid' | 'Amount';
  /** Milliseconds left of the hold, when it is running. */
  readonly holdLeft: number | undefined;
}) {
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="payment-summary-title">
      <Stack gap="xs">
        <Title order={2} size="h4" id="payment-summary-title">
          Order summary
        </Title>
        {order && <OrderLine order={order} />}
        <Group justify="space-between">
          <Text>{amountLabel}</Text>
          <Text size="xl" fw={700} data-testid="payment-amount">
            {formatMoney(amount)}
          </Text>
        </Group>
        {holdLeft !== undefined && holdLeft > 0 && (
          <Text fw={600} ff="monospace" data-testid="hold-countdown" aria-live="off">
            Held for you: {formatDuration(holdLeft)} left to pay
          </Text>
        )}
      </Stack>
    </Card>
  );
}
