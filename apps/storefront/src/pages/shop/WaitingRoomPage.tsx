import { Alert, Button, Card, Group, Loader, NumberInput, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { products } from '../../api/endpoints.js';
import { isApiError } from '../../api/problem.js';
import { queue, type QueueTicket } from '../../api/queue.js';
import { formatDuration, formatMoney } from '../../components/format.js';
import { describeQueueError, formatClock, formatWait } from '../../components/queue-words.js';
import { newIdempotencyKey } from '../../hooks/idempotency-key.js';
import { useNow } from '../../hooks/use-now.js';
import { useResource } from '../../hooks/use-resource.js';
import { useWaitingRoom } from '../../hooks/use-waiting-room.js';

const UNLIMITED_CAP = 99;

/**
 * The waiting room of a queued drop: where the shopper stands (or when the raffle is drawn), how long it may take
 * and what happens next, live; on admission the page turns into the buy step, sends the admission token with the
 * order and counts the turn down; a sold-out queue ends here in words. `?join=1` joins on arrival (the product
 * page's "Join the waiting room", also after signing in).
 */
export function WaitingRoomPage() {
  const { id = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const loaded = useResource(() => products.get(id), [id]);
  const product = loaded.data?.product;
  const room = useWaitingRoom(id);
  // The opening, for "admission starts at …" in a first-come line before the sale opens (asked once).
  const opensAt = useResource(() => queue.status(id), [id]).data?.opensAt;
  const { ticket, join } = room;

  // Arrived from "Join the waiting room": join once the page knows the shopper is not in yet.
  const wantsJoin = search.get('join') === '1';
  const joinedOnArrival = useRef(false);
  useEffect(() => {
    if (!wantsJoin || ticket === undefined || joinedOnArrival.current) return;
    joinedOnArrival.current = true;
    setSearch({}, { replace: true });
    if (ticket === null) void join();
  }, [wantsJoin, ticket, join, setSearch]);

  // A change of state is a new step: move focus to its heading so it is announced and Tab starts there.
  const heading = useRef<HTMLHeadingElement>(null);
  const state = ticket?.state ?? (ticket === null ? 'OUT' : undefined);
  const previous = useRef(state);
  useEffect(() => {
    if (previous.current !== undefined && state !== previous.current && heading.current) {
      heading.current.tabIndex = -1;
      heading.current.focus();
    }
    previous.current = state;
  }, [state]);

  return (
    <Stack gap="md" maw={720}>
      <Text size="sm">
        <Link to={`/products/${encodeURIComponent(id)}`}>← Back to {product?.name ?? 'the product'}</Link>
      </Text>
      <Card withBorder radius="md" padding="xl" data-testid="waiting-room" data-state={state ?? 'LOADING'}>
        {ticket === undefined && !room.error ? (
          <Stack gap="sm">
            <Title order={1}>Waiting room</Title>
            <Group gap="sm">
              <Loader size="sm" aria-hidden />
              <Text>Looking up your place in line…</Text>
            </Group>
          </Stack>
        ) : (
          <Step room={room} ticket={ticket ?? null} opensAt={opensAt} productId={id} productName={product?.name} limit={product?.maxQuantityPerCustomer} price={product ? formatMoney(product.price) : undefined} heading={heading} />
        )}
      </Card>
    </Stack>
  );
}

interface StepProps {
  readonly room: ReturnType<typeof useWaitingRoom>;
  readonly ticket: QueueTicket | null;
  readonly opensAt: string | undefined;
  readonly productId: string;
  readonly productName: string | undefined;
  readonly limit: number | undefined;
  readonly price: string | undefined;
  readonly heading: React.RefObject<HTMLHeadingElement | null>;
}

function Step({ room, ticket, opensAt, productId, productName, limit, price, heading }: StepProps) {
  const now = useNow();
  const name = productName ?? 'this drop';
  const error = room.error ? (
    <Alert color="red" variant="light" role="alert" title="Something went wrong" data-code={isApiError(room.error) ? room.error.code : undefined}>
      {describeQueueError(room.error)}
    </Alert>
  ) : null;
  const leave = ticket && (ticket.state === 'WAITING' || ticket.state === 'ADMITTED') && (
    <Button
      variant="default"
      w="fit-content"
      onClick={() => {
        if (window.confirm('Leave the waiting room? You lose your place and cannot join this drop again.')) void room.leave();
      }}
    >
      Leave the waiting room
    </Button>
  );
  const updates = (
    <Text size="sm" c="dimmed" data-testid="queue-updates">
      {room.live
        ? 'This page updates by itself: keep it open.'
        : `Live updates are reconnecting; this page checks again every ${ticket?.nextPollSeconds ?? 5} s. Keep it open.`}
    </Text>
  );

  if (room.phase !== 'idle') {
    return (
      <Stack gap="sm">
        <Title order={1} ref={heading}>
          Joining the waiting room
        </Title>
        <Group gap="sm" aria-live="polite" data-testid="queue-joining">
          <Loader size="sm" aria-hidden />
          <Text>{room.phase === 'checking' ? 'Checking your browser… This takes a few seconds and keeps bots out of line.' : 'Getting you a place in line…'}</Text>
        </Group>
      </Stack>
    );
  }

  if (ticket === null) {
    return (
      <Stack gap="sm">
        <Title order={1} ref={heading}>
          Waiting room
        </Title>
        <Text>
          {name} sells through a waiting room: you join the line, and when it is your turn this page lets you buy. One place
          per account.
        </Text>
        {error}
        <Button w="fit-content" size="md" onClick={() => void room.join()} disabled={isApiError(room.error, 'SOLD_OUT')}>
          Join the waiting room
        </Button>
      </Stack>
    );
  }

  switch (ticket.state) {
    case 'WAITING': {
      const beforeDraw = ticket.position === null && ticket.drawAt !== null;
      const drawIn = ticket.drawAt ? Date.parse(ticket.drawAt) - now : 0;
      return (
        <Stack gap="sm">
          <Title order={1} ref={heading}>
            {beforeDraw ? "You're in the draw" : "You're in line"}
          </Title>
          {beforeDraw && ticket.drawAt ? (
            <>
              <Text size="xl" fw={700} data-testid="queue-draw" aria-live="polite">
                The draw happens at {formatClock(ticket.drawAt)}, {ticket.waiting.toLocaleString('en-US')} in it.
              </Text>
              <Text ff="monospace" data-testid="draw-countdown">
                {drawIn > 0 ? `In ${formatDuration(drawIn)}` : 'Drawing now…'}
              </Text>
              <Text>
                Everyone who joins before the sale opens gets a random place in line at the draw: joining earlier gives no
                advantage. Shoppers who join after the draw queue behind, in order of arrival.
              </Text>
            </>
          ) : (
            <>
              <Text size="xl" fw={700} data-testid="queue-position" data-position={ticket.position ?? ''} aria-live="polite">
                {ticket.position === null
                  ? `${ticket.waiting.toLocaleString('en-US')} waiting`
                  : `You are number ${ticket.position.toLocaleString('en-US')} in line`}
              </Text>
              {opensAt && Date.parse(opensAt) > now && (
                <Text ff="monospace" data-testid="opens-countdown">
                  Admission starts at {formatClock(opensAt)} (in {formatDuration(Date.parse(opensAt) - now)})
                </Text>
              )}
              <Text data-testid="queue-wait">
                {ticket.waiting.toLocaleString('en-US')} waiting in all.{' '}
                {ticket.estimatedWaitSeconds === null
                  ? 'The wait depends on how quickly the shoppers ahead buy.'
                  : `Estimated wait: ${formatWait(ticket.estimatedWaitSeconds)}.`}
              </Text>
            </>
          )}
          <Text fw={600}>What happens next</Text>
          <Text>
            When it is your turn, this page moves to the buy step by itself and you get a few minutes to order. If every
            unit sells before your turn, this page tells you it is sold out.
          </Text>
          {updates}
          {error}
          {leave}
        </Stack>
      );
    }
    case 'ADMITTED':
      return (
        <BuyStep
          ticket={ticket}
          productId={productId}
          name={name}
          limit={limit}
          price={price}
          now={now}
          heading={heading}
          leave={leave}
          error={error}
          onEnded={() => void room.refresh()}
        />
      );
    case 'USED':
      return (
        <Stack gap="sm">
          <Title order={1} ref={heading}>
            You placed your order
          </Title>
          <Text>Your turn was used for an order. Pay for it before its hold ends.</Text>
          <Button component={Link} to="/orders" w="fit-content">
            See my orders
          </Button>
        </Stack>
      );
    case 'EXPIRED':
      return (
        <Stack gap="sm">
          <Title order={1} ref={heading}>
            Your turn ended
          </Title>
          <Text>Your turn to buy {name} ended before an order was placed, so it went to the next shopper in line.</Text>
          <Button component={Link} to="/" variant="default" w="fit-content">
            Back to the shop
          </Button>
        </Stack>
      );
    case 'LEFT':
      return (
        <Stack gap="sm">
          <Title order={1} ref={heading}>
            You left the waiting room
          </Title>
          <Text>You gave up your place for {name}.</Text>
          <Button component={Link} to="/" variant="default" w="fit-content">
            Back to the shop
          </Button>
        </Stack>
      );
    case 'SOLD_OUT':
      return (
        <Stack gap="sm">
          <Title order={1} ref={heading}>
            Sold out
          </Title>
          <Alert color="gray" variant="light" title={`${name} is sold out`} data-testid="queue-sold-out">
            Every unit was sold before your turn came, so the waiting room has closed. Nothing was charged. Thank you for
            waiting.
          </Alert>
          <Button component={Link} to="/" variant="default" w="fit-content">
            Back to the shop
          </Button>
        </Stack>
      );
  }
}

function BuyStep({
  ticket,
  productId,
  name,
  limit,
  price,
  now,
  heading,
  leave,
  error,
  onEnded,
}: {
  readonly ticket: QueueTicket;
  readonly productId: string;
  readonly name: string;
  readonly limit: number | undefined;
  readonly price: string | undefined;
  readonly now: number;
  readonly heading: React.RefObject<HTMLHeadingElement | null>;
  readonly leave: React.ReactNode;
  readonly error: React.ReactNode;
  readonly onEnded: () => void;
}) {
  const navigate = useNavigate();
  const [quantity, setQuantity] = useState(1);
  const [buying, setBuying] = useState(false);
  const [orderError, setOrderError] = useState<unknown>(null);
  // One key per buy intent: a retry after a network failure is the same intent and must not buy twice.
  const intentKey = useRef(newIdempotencyKey());
  const cap = limit && limit > 0 ? limit : UNLIMITED_CAP;
  const left = ticket.admittedUntil ? Date.parse(ticket.admittedUntil) - now : 0;
  const ended = left <= 0;
  const endedOnce = useRef(false);
  useEffect(() => {
    if (ended && !endedOnce.current) {
      endedOnce.current = true;
      onEnded();
    }
  }, [ended, onEnded]);

  const buy = async () => {
    if (!ticket.admissionToken) return;
    setBuying(true);
    setOrderError(null);
    try {
      const accepted = await queue.order(productId, quantity, intentKey.current, ticket.admissionToken);
      navigate(`/orders/${accepted.orderId}`);
    } catch (caught) {
      if (!isApiError(caught, 'NETWORK')) intentKey.current = newIdempotencyKey();
      setOrderError(caught);
    } finally {
      setBuying(false);
    }
  };

  return (
    <Stack gap="sm">
      <Title order={1} ref={heading}>
        It's your turn
      </Title>
      <Text size="lg">
        You can buy {name}
        {price ? ` (${price})` : ''} now.
      </Text>
      <Text size="lg" fw={600} ff="monospace" data-testid="admission-countdown" aria-live="off">
        {ended ? 'Your turn has ended' : `Your turn ends in ${formatDuration(left)}`}
      </Text>
      <Text size="sm" c="dimmed">
        Order before the time runs out; the unit is then held for you while you pay. If you do not order in time, your turn
        goes to the next shopper.
      </Text>
      <Group align="flex-end">
        <NumberInput
          label="Quantity"
          min={1}
          max={cap}
          clampBehavior="strict"
          allowDecimal={false}
          allowNegative={false}
          value={quantity}
          onChange={(value) => setQuantity(typeof value === 'number' && value >= 1 ? Math.min(value, cap) : 1)}
          w={120}
          description={`Up to ${cap}`}
        />
        <Button size="md" onClick={() => void buy()} loading={buying} disabled={ended || !ticket.admissionToken}>
          Buy now
        </Button>
      </Group>
      {orderError ? (
        <Alert color="red" variant="light" role="alert" title="Could not place the order" data-code={isApiError(orderError) ? orderError.code : undefined}>
          {describeQueueError(orderError)}
        </Alert>
      ) : null}
      {error}
      {leave}
    </Stack>
  );
}
