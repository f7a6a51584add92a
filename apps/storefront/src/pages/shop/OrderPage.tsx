import { Alert, Button, Card, Grid, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { orders, paymentToken, payments } from '../../api/endpoints.js';
import { OPEN_STATUSES, type OrderStatus } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDuration, formatMoney } from '../../components/format.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { useNow } from '../../hooks/use-now.js';
import { useLiveOrder } from '../../hooks/use-live-order.js';
import { useProductName } from '../../hooks/use-product.js';
import { useSession } from '../../session/session.js';
import { OrderTimeline } from './OrderTimeline.js';

const OUTCOME: Partial<Record<OrderStatus, { color: string; title: string; text: string }>> = {
  CONFIRMED: { color: 'green', title: 'Order confirmed', text: 'Payment received. Thank you for your order!' },
  CANCELLED: { color: 'gray', title: 'Order cancelled', text: 'The order was cancelled and the units went back on sale.' },
  EXPIRED: {
    color: 'orange',
    title: 'Hold expired',
    text: 'The payment window ended before payment, so the units went back on sale.',
  },
  FAILED: { color: 'red', title: 'Order failed', text: 'The payment did not go through, so the order could not be completed.' },
};

/** An order: live status and timeline, the hold countdown, Pay and Cancel. */
export function OrderPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const now = useNow();
  const { loaded, order, status, events, lastPayment } = useLiveOrder(id);
  const { user } = useSession();
  const [busy, setBusy] = useState<'pay' | 'cancel' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const productName = useProductName(order?.productId ?? '');
  const { reload } = loaded;

  if (loaded.error && !order) return <ErrorAlert error={loaded.error} title="Order unavailable" />;
  if (!order || !status) return <Loader aria-label="Loading order" />;

  const open = OPEN_STATUSES.includes(status);
  const holdLeft = Date.parse(order.holdUntil) - now;
  const outcome = OUTCOME[status];

  const pay = async () => {
    setBusy('pay');
    setError(null);
    try {
      const initiated = await payments.initiate(order.id);
      navigate(`/pay/${encodeURIComponent(paymentToken(initiated.paymentLink))}`);
    } catch (caught) {
      setError(caught);
      void reload();
    } finally {
      setBusy(null);
    }
  };

  const cancel = async () => {
    setBusy('cancel');
    setError(null);
    try {
      await orders.cancel(order.id);
      await reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Stack gap="md" maw={960}>
      <Text size="sm">
        <Link to="/orders">← My orders</Link>
      </Text>
      <Group justify="space-between">
        <Title order={1}>Order {order.id.slice(0, 8)}</Title>
        <StatusBadge status={status} />
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder radius="md" padding="lg">
            <Stack gap="sm">
              <Text>
                <b>{order.quantity}</b> × {productName} · <b>{formatMoney(order.total)}</b>
              </Text>
              <div style={{ minHeight: 56 }} data-testid="hold-area">
                {open ? (
                  <Text size="lg" fw={600} ff="monospace" data-testid="hold-countdown" aria-live="off">
                    {holdLeft > 0 ? `Held for you: ${formatDuration(holdLeft)} left to pay` : 'Hold ended — releasing…'}
                  </Text>
                ) : outcome ? (
                  <Alert color={outcome.color} title={outcome.title} data-testid="order-outcome">
                    {outcome.text}
                    {order.statusReason ? ` (${order.statusReason})` : ''}
                  </Alert>
                ) : null}
              </div>
              {open && holdLeft > 0 && (lastPayment?.status === 'DECLINED' || lastPayment?.status === 'ERROR') && (
                <Alert color="red" title={lastPayment.status === 'DECLINED' ? 'Card declined' : 'Payment provider error'} data-testid="last-payment">
                  {lastPayment.status === 'DECLINED' ? 'The last card was declined' : 'The last payment attempt failed at the provider'}
                  {lastPayment.failureReason && !/^(CARD_)?DECLINED$/.test(lastPayment.failureReason)
                    ? ` (${lastPayment.failureReason.toLowerCase().replaceAll('_', ' ')})`
                    : ''}
                  . Your units
                  are still held: pay with another card before the hold ends.
                </Alert>
              )}
              {open && (
                <Group>
                  {/* Only the buyer pays; an admin looking at someone's order may still cancel it. */}
                  {order.customerId === user?.id && (
                    <Button onClick={pay} loading={busy === 'pay'} disabled={busy !== null || holdLeft <= 0}>
                      Pay {formatMoney(order.total)}
                    </Button>
                  )}
                  <Button variant="default" color="red" onClick={cancel} loading={busy === 'cancel'} disabled={busy !== null}>
                    Cancel order
                  </Button>
                </Group>
              )}
              <ErrorAlert error={error} />
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder radius="md" padding="lg">
            <Title order={2} size="h4" mb="sm">
              Timeline
            </Title>
            <OrderTimeline order={{ ...order, status }} events={events} />
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
