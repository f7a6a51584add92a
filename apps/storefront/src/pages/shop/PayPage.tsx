import { Alert, Button, Card, Group, Loader, NumberInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { payments } from '../../api/endpoints.js';
import { isApiError } from '../../api/problem.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatMoney } from '../../components/format.js';
import { useAction } from '../../hooks/use-action.js';
import { useResource } from '../../hooks/use-resource.js';

/** The mock gateway's documented test cards. */
const TEST_CARDS = [
  { value: '4242424242424242', label: 'Test card: succeeds' },
  { value: '4000000000000002', label: 'Test card: declined' },
  { value: '4000000000000119', label: 'Test card: gateway error' },
];

/** The payment page behind a payment link: amount, test cards, and a clear outcome (paid, declined, error). */
export function PayPage() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const link = useResource(() => payments.link(token), [token]);
  const [card, setCard] = useState<string>(TEST_CARDS[0]!.value);
  const [holder, setHolder] = useState('');
  const [expMonth, setExpMonth] = useState<number>(12);
  const [expYear, setExpYear] = useState<number>(new Date().getFullYear() + 2);
  const [cvc, setCvc] = useState('123');
  const payment = useAction();
  const [paid, setPaid] = useState(false);

  if (link.error && !link.data) return <ErrorAlert error={link.error} title="Payment link not found" />;
  if (!link.data) return <Loader aria-label="Loading payment" />;
  const { orderId, amount, status } = link.data;
  const payable = status === 'INITIATED' || status === 'ERROR';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void payment.run(async () => {
      await payments.process(token, { number: card.replaceAll(/\s/g, ''), expMonth, expYear, cvc, holder });
      setPaid(true);
      navigate(`/orders/${orderId}`);
    });
  };

  const { error } = payment;
  const declined = isApiError(error, 'PAYMENT_DECLINED');
  return (
    <Stack gap="md" maw={520}>
      <Text size="sm">
        <Link to={`/orders/${orderId}`}>← Back to the order</Link>
      </Text>
      <Title order={1}>Payment</Title>
      <Card withBorder radius="md" padding="lg" component="form" onSubmit={submit} aria-label="Card payment">
        <Stack gap="sm">
          <Group justify="space-between">
            <Text>Amount due</Text>
            <Text size="xl" fw={700} data-testid="payment-amount">
              {formatMoney(amount)}
            </Text>
          </Group>
          {!payable && !paid && (
            <Alert color="gray" title="Nothing to pay">
              This payment is {status.toLowerCase()}.
            </Alert>
          )}
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
          <Group gap="xs" aria-label="Test cards">
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
          <Button type="submit" loading={payment.pending} disabled={!payable || paid} size="md">
            Pay {formatMoney(amount)}
          </Button>
          {declined ? (
            <Alert color="red" title="Card declined" role="alert" data-code="PAYMENT_DECLINED">
              Your card was declined, so this order could not be paid. <Link to={`/orders/${orderId}`}>See the order</Link>.
            </Alert>
          ) : (
            <ErrorAlert error={error} title={isApiError(error, 'PAYMENT_GATEWAY_ERROR') ? 'Payment provider error' : 'Payment failed'} />
          )}
        </Stack>
      </Card>
    </Stack>
  );
}
