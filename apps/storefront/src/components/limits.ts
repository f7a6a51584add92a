import { formatMoney, toMinorUnits } from './format.js';

/**
 * The API's input limits (its OpenAPI document: ProductFields, RestockBody), checked in the forms before
 * sending, so a wrong value is refused with a message beside its field instead of being clamped or sign-flipped.
 */
export const LIMITS = {
  nameLength: 200,
  descriptionLength: 10_000,
  /** Integer minor units. */
  priceMinor: { min: 0, max: 100_000_000 },
  perCustomer: { min: 0, max: 10_000 },
  restockUnits: { min: 1, max: 1_000_000 },
} as const;

const count = new Intl.NumberFormat('en-US');
export const formatCount = (value: number): string => count.format(value);

/** Why `value` (from a number field: a number or the raw text) is not a whole number in [min, max], or null. */
export function wholeNumberProblem(value: number | string, min: number, max: number, what: string): string | null {
  if (value === '' || value === '-') return `Enter ${what}.`;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number) || !Number.isInteger(number)) return `${capitalize(what)} must be a whole number.`;
  if (number < 0 && min >= 0) return `${capitalize(what)} cannot be negative.`;
  if (number < min) return `${capitalize(what)} must be at least ${formatCount(min)}.`;
  if (number > max) return `${capitalize(what)} can be at most ${formatCount(max)}.`;
  return null;
}

/** Why a price typed in major units of `currency` (dollars, yen, dinars) is not one the API takes, or null. */
export function priceProblem(value: number | string, currency: string): string | null {
  if (value === '' || value === '-') return 'Enter a price.';
  const major = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(major)) return 'The price must be a number.';
  if (major < 0) return 'The price cannot be negative.';
  if (toMinorUnits(major, currency) > LIMITS.priceMinor.max) {
    return `The price can be at most ${formatMoney({ amount: LIMITS.priceMinor.max, currency })}.`;
  }
  return null;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
