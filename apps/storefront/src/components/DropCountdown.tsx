import { Text } from '@mantine/core';
import { useNow } from '../hooks/use-now.js';
import { formatDuration } from './format.js';

/** "Drop starts in 1:02:03" while `saleStartsAt` is ahead; nothing once the sale is open. */
export function DropCountdown({ saleStartsAt }: { readonly saleStartsAt: string | null }) {
  const now = useNow();
  if (!saleStartsAt) return null;
  const left = Date.parse(saleStartsAt) - now;
  if (left <= 0) return null;
  return (
    <Text size="sm" fw={600} c="grape.8" data-testid="drop-countdown" ff="monospace">
      Drop starts in {formatDuration(left)}
    </Text>
  );
}
