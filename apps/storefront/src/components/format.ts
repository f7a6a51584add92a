import type { Money, OrderStatus } from '../api/types.js';

const formatters = new Map<string, Intl.NumberFormat>();

/** Minor units to a localized amount ("$129.00"). */
export function formatMoney(money: Money): string {
  let formatter = formatters.get(money.currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency: money.currency });
    formatters.set(money.currency, formatter);
  }
  return formatter.format(money.amount / 100);
}

/** "1:05:09" / "4:07" for a countdown; never negative. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export const formatDateTime = (iso: string): string =>
  new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'medium' });

export const STATUS_LABEL: Record<OrderStatus, string> = {
  PENDING: 'Placed',
  PAYMENT_PENDING: 'Awaiting payment',
  CONFIRMED: 'Confirmed',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired',
  FAILED: 'Failed',
};

export const STATUS_COLOR: Record<OrderStatus, string> = {
  PENDING: 'blue',
  PAYMENT_PENDING: 'yellow',
  CONFIRMED: 'green',
  CANCELLED: 'gray',
  EXPIRED: 'orange',
  FAILED: 'red',
};
