import { Alert, Button, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { isApiError } from '../../api/problem.js';
import { queue, type QueueStatus } from '../../api/queue.js';
import { formatClock } from '../../components/queue-words.js';
import { useResource } from '../../hooks/use-resource.js';
import { useSession } from '../../session/session.js';

const QUEUE_POLL_MS = 5_000;

/** A product's waiting room, or null when it is sold without one (404 `NO_QUEUE`). Polled while the page is open. */
export function useQueueStatus(productId: string | undefined) {
  return useResource(
    async () => {
      if (!productId) return null;
      try {
        return await queue.status(productId);
      } catch (caught) {
        if (isApiError(caught, 'NO_QUEUE')) return null;
        throw caught;
      }
    },
    [productId],
    QUEUE_POLL_MS,
  );
}

/**
 * What a queued drop's product page shows instead of Buy: how the waiting room works, and "Join the waiting room"
 * (or back to it, for a shopper already in line; "Sold out" once the queue closed).
 */
export function WaitingRoomEntry({ productId, status }: { readonly productId: string; readonly status: QueueStatus }) {
  const { user, hasRole } = useSession();
  const shopper = user !== null && hasRole('USER');
  const mine = useResource(
    async () => {
      if (!shopper) return null;
      try {
        return await queue.me(productId);
      } catch (caught) {
        if (isApiError(caught, 'NOT_IN_QUEUE')) return null;
        throw caught;
      }
    },
    [productId, shopper],
  );
  const room = `/products/${encodeURIComponent(productId)}/waiting-room`;
  const opens = formatClock(status.opensAt);
  const how =
    status.mode === 'raffle-then-fifo'
      ? `This drop sells through a waiting room. Everyone who joins before ${opens} gets a random place in line at the draw, so there is no need to rush; later shoppers queue behind in order of arrival.`
      : `This drop sells through a waiting room: shoppers are let in to buy in the order they joined, from ${opens}.`;

  if (status.state === 'SOLD_OUT') {
    return (
      <Stack gap="xs">
        <Button size="md" disabled w="fit-content">
          Sold out
        </Button>
        <Text size="sm">The waiting room has closed: every unit is sold.</Text>
      </Stack>
    );
  }
  return (
    <Stack gap="xs" data-testid="waiting-room-entry">
      <Text size="sm">{how}</Text>
      {user && !hasRole('USER') ? (
        <Alert color="gray">Only shopper accounts can join the waiting room.</Alert>
      ) : !user ? (
        <Button component={Link} to={`/login?next=${encodeURIComponent(`${room}?join=1`)}`} w="fit-content">
          Sign in to join the waiting room
        </Button>
      ) : mine.data ? (
        <Button component={Link} to={room} size="md" w="fit-content">
          Back to the waiting room
        </Button>
      ) : (
        <Button component={Link} to={`${room}?join=1`} size="md" w="fit-content">
          Join the waiting room
        </Button>
      )}
    </Stack>
  );
}
