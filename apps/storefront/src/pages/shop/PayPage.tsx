import { Alert, Button, Card, Group, Loader, NumberInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { payments } from '../../api/endpoints.js';
import { isApiError } from '../../api/problem.js';
import { OPEN_STATUSES, type OrderStatus } from '../../api/types.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDuration, formatMoney } from '../../components/format.js';
import { useAction } from '../../hooks/use-action.js';
import { useLiveOrder } from '../../hooks/use-live-order.js';
import { useNow } from '../../hooks/use-now.js';
import { useResource } from '../../hooks/use-resource.js';
import { useSession } from '../../session/session.js';
import { PaymentSummary } from './PaymentSummary.js';

const LINK_POLL_MS = 10_000;

/** The mock gateway's documented test cards. */
const TEST_CARDS = [
  { value: '4242424242424242', label: 'Test card: succeeds' },
  { value: '4000000000000002', label: 'Test card: declined' },
  { value: '4000000000000119', label: 'Test card: gateway error' },
];

/** Headline of an order that ended unpaid. */
const ENDED: Partial<Record<OrderStatus, string>> = {
  EXPIRED: 'The hold has ended',
  CANCELLED: 'Order cancelled',
  FAILED: 'Order failed',
};

/** Gateways answer with codes such as CARD_DECLINED: shown as words. */
const inWords = (reason: string): string => (/^[A-Z_]+$/.test(reason) ? reason.toLowerCase().replaceAll('_', ' ') : reason);

/** Why the gateway declined, from the problem's `reason` (or its detail). */
const declineReason = (error: unknown): string | null => {
  if (!isApiError(error, 'PAYMENT_DECLINED')) return null;
  const { reason } = error.problem;
  return inWords(typeof reason === 'string' && reason ? reason : (error.problem.detail ?? 'declined'));
};

/** The later of two instants (a hold only moves later: a starting payment may extend it once). */
const later = (a: string | null | undefined, b: string | null | undefined): number | undefined => {
  const times = [a, b].filter((value): value is string => typeof value === 'string').map(Date.parse);
  return times.length > 0 ? Math.max(...times) : undefined;
};

/**
 * The payment page behind a payment link: the order summary, the hold countdown, the card form, and one clear
 * state at a time — payable, declined (the reason, and another card on the same link while the order waits for
 * payment: each try is a new attempt on the server), hold ended, order ended, or paid.
 */
export function PayPage() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { user } = useSession();
  const now = useNow();
  // Polled too: the hold may be extended or end, and the order may be paid from another tab.
  const link = useResource(() => payments.link(token), [token], LINK_POLL_MS);
  const orderId = link.data?.orderId ?? '';
  // The signed-in buyer also gets the order's line and its live status from the notification stream.
  const live = useLiveOrder(orderId, user !== null && orderId !== '');
  const [card, setCard] = useState<string>(TEST_CARDS[0]!.value);
  const [holder, setHolder] = useState('');
  const [expMonth, setExpMonth] = useState<number>(12);
  const [expYear, setExpYear] = useState<number>(new Date().getFullYear() + 2);
  const [cvc, setCvc] = useState('123');
  const payment = useAction();
  const [declined, setDeclined] = useState<string | null>(null);

  if (link.error && !link.data) return <ErrorAlert error={link.error} title="Payment link not found" />;
  if (!link.data) return <Loader aria-label="Loading payment" />;
  const { amount, status } = link.data;
  const { order } = live;
  const orderStatus: OrderStatus | undefined = live.status ?? link.data.orderStatus ?? undefined;

  const paid = status === 'SUCCEEDED' || orderStatus === 'CONFIRMED';
  const orderOpen = orderStatus === undefined || OPEN_STATUSES.includes(orderStatus);
  const holdEnds = later(link.data.holdUntil, order?.holdUntil);
  const holdLeft = holdEnds !== undefined && orderOpen ? holdEnds - now : undefined;
  const holdEnded = holdLeft !== undefined && holdLeft <= 0;
  const lastDecline = declined ?? (status === 'DECLINED' && link.data.failureReason ? inWords(link.data.failureReason) : null);
  // A declined link may be paid again only on servers that keep the order payable (they report orderStatus).
  const linkPayable = status === 'INITIATED' || status === 'ERROR' || (status === 'DECLINED' && link.data.orderStatus !== undefined);
  const canPay = !paid && orderOpen && !holdEnded && linkPayable;
  const showForm = !paid && orderOpen && status !== 'REFUNDED';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void payment.run(async () => {
      setDeclined(null);
      try {
        await payments.process(token, { number: card.replaceAll(/\s/g, ''), expMonth, expYear, cvc, holder });
      } catch (caught) {
        setDeclined(declineReason(caught));
        // The answer may have moved the hold (a grace) or ended the order: read both again.
        void link.reload();
        void live.loaded.reload();
        throw caught;
      }
      navigate(`/orders/${orderId}`);
    });
  };

  const backToOrder = <Link to={`/orders/${orderId}`}>See the order</Link>;
  const error = payment.error;

  return (
    <Stack gap="md" maw={560}>
      <Text size="sm">
        <Link to={`/orders/${orderId}`}>← Back to the order</Link>
      </Text>
      <Title order={1}>Payment</Title>
      <PaymentSummary order={order} amount={amount} amountLabel={paid ? 'Amount paid' : orderOpen && status !== 'REFUNDED' ? 'Amount due' : 'Amount'} holdLeft={holdLeft} />
      <div aria-live="polite" data-testid="payment-state">
        {paid ? (
          <Alert color="green" title="Paid" data-state="paid">
            This order is paid. {backToOrder}.
          </Alert>
        ) : status === 'REFUNDED' ? (
          <Alert color="gray" title="Refunded" data-state="refunded">
            This payment was refunded. {backToOrder}.
          </Alert>
        ) : !orderOpen ? (
          <Alert color="orange" title={ENDED[orderStatus ?? 'FAILED'] ?? 'This order can no longer be paid'} data-state="order-ended">
            This order can no longer be paid
            {lastDecline ? `: your card was declined (${lastDecline})` : order?.statusReason ? ` (${order.statusReason})` : ''}. {backToOrder}.
          </Alert>
        ) : holdEnded ? (
          <Alert color="orange" title="The hold has ended" data-state="hold-ended">
            The payment window closed before payment, so the units go back on sale. {backToOrder}.
          </Alert>
        ) : lastDecline ? (
          <Alert color="red" title="Card declined" role="alert" data-code="PAYMENT_DECLINED" data-state="declined">
            {/^(card )?declined$/i.test(lastDecline) ? 'The card was declined.' : `The card was declined (${lastDecline}).`}{' '}
            {canPay
              ? `Your units are still held: try another card${holdLeft === undefined ? '' : ` (${formatDuration(holdLeft)} left)`}.`
              : 'This order cannot be paid with another card.'}{' '}
            {backToOrder}.
          </Alert>
        ) : null}
      </div>
      {showForm && (
        <Card withBorder radius="md" padding="lg" component="form" onSubmit={submit} aria-label="Card payment">
          <Stack gap="sm">
            <TextInput
              label="Card number"
              value={card}
              onChange={(e) => setCard(e.currentTarget.value)}
              inputMode="numeric"
              autoComplete="cc-number"
              required
              minLength={12}
              maxLength={23}
            />
            <Group gap="xs" aria-label="Test cards" role="group">
              {TEST_CARDS.map((test) => (
                <Button key={test.value} size="compact-xs" variant={card === test.value ? 'light' : 'subtle'} onClick={() => setCard(test.value)}>
                  {test.label}
                </Button>
              ))}
            </Group>
            <TextInput label="Name on card" value={holder} onChange={(e) => setHolder(e.currentTarget.value)} required autoComplete="cc-name" />
            <Group grow>
              <NumberInput label="Exp. month" min={1} max={12} value={expMonth} onChange={(v) => setExpMonth(Number(v) || 1)} required />
              <NumberInput label="Exp. year" min={2000} max={2100} value={expYear} onChange={(v) => setExpYear(Number(v) || 2030)} required />
              <TextInput label="CVC" value={cvc} onChange={(e) => setCvc(e.currentTarget.value)} required maxLength={4} autoComplete="cc-csc" />
            </Group>
            <Button type="submit" loading={payment.pending} disabled={!canPay} size="md">
              {holdEnded ? 'Hold ended' : lastDecline ? `Pay ${formatMoney(amount)} with this card` : `Pay ${formatMoney(amount)}`}
            </Button>
            {!isApiError(error, 'PAYMENT_DECLINED') && (
              <ErrorAlert error={error} title={isApiError(error, 'PAYMENT_GATEWAY_ERROR') ? 'Payment provider error' : 'Payment failed'} />
            )}
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
