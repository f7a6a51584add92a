import { Badge } from '@mantine/core';
import type { StockState } from './stock-state.js';

const LOOK: Record<StockState, { label: string; color: string }> = {
  upcoming: { label: 'Coming soon', color: 'grape' },
  available: { label: 'Available', color: 'green' },
  'selling-fast': { label: 'Selling fast', color: 'orange' },
  'sold-out': { label: 'Sold out', color: 'red' },
  unknown: { label: 'On sale', color: 'blue' },
};

/** The shopper's view of stock. Fixed width, so a live change of state never moves the layout. */
export function StockBadge({ state, available }: { readonly state: StockState; readonly available?: number }) {
  const look = LOOK[state];
  const count = state === 'available' || state === 'selling-fast' ? available : undefined;
  return (
    <Badge color={look.color} variant="filled" w={150} data-testid="stock-state" data-state={state} aria-live="polite">
      {look.label}
      {count === undefined ? '' : ` · ${count} left`}
    </Badge>
  );
}
