import { minorUnits } from '@limitedcart/core/money';
import type { OrderStatus } from '../api/types.js';

/** Amounts in minor units, shown with the currency's ISO 4217 digits: the engine's own formatter. */
export { formatMoney, toMajorUnits } from '@limitedcart/core/money';

/** A major-unit number typed by a person to minor units of `currency`, rounded to the currency's digits. */
export const toMinorUnits = (major: number, currency: string): number => Math.round(major * 10 ** minorUnits(currency));

/** The currency's symbol as `formatMoney` shows it ("$", "¥", "KWD"). */
export const currencySymbol = (currency: string): string =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).formatToParts(0).find((part) => part.type === 'currency')?.value ?? currency;

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
