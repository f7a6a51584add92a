import { Badge } from '@mantine/core';
import type { StockState } from './stock-state.js';

const LOOK: Record<StockState, { label: string; color: string }> = {
  upcoming: { label: 'Coming soon', color: 'grape' },
  available: { label: 'Available', color: 'green' },
  'selling-fast': { label: 'Selling fast', color: 'orange' },
  'sold-out': { label: 'Sold out', color: 'red' },
  unknown: { label: 'On sale', color: 'blue' },
};

/**
 * The shopper's view of stock. A minimum width keeps the layout still when the state changes live; longer words
 * ("Selling fast · 12 left") widen it rather than being cut off.
 */
export function StockBadge({ state, available }: { readonly state: StockState; readonly available?: number }) {
  const look = LOOK[state];
  const count = state === 'available' || state === 'selling-fast' ? available : undefined;
  return (
    <Badge color={look.color} variant="filled" miw={150} maw="100%" styles={{ label: { overflow: 'visible' } }} data-testid="stock-state" data-state={state} aria-live="polite">
      {look.label}
      {count === undefined ? '' : ` · ${count} left`}
    </Badge>
  );
}
