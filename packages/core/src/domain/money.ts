import { validationError } from './errors.js';

/**
 * Money in integer minor units of an ISO 4217 currency (cents for USD, yen for JPY, fils for KWD). Floating point
 * never touches an amount.
 */
export interface Money {
  readonly amount: number;
  readonly currency: CurrencyCode;
}

/** An ISO 4217 alphabetic code, upper case: `USD`, `EUR`, `JPY`, `KWD`. */
export type CurrencyCode = string;

/** Codes the runtime's ICU data knows (every active ISO 4217 currency on Node's full-ICU builds). */
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
const MINOR_UNITS = new Map<string, number>();

export const isCurrencyCode = (value: unknown): value is CurrencyCode => typeof value === 'string' && KNOWN_CURRENCIES.has(value);

/**
 * Digits after the decimal point of `currency`, as ISO 4217 defines them: 2 for USD and EUR, 0 for JPY, 3 for KWD.
 * Read from the runtime's ICU data, which carries the ISO 4217 table.
 */
export function minorUnits(currency: CurrencyCode): number {
  if (!isCurrencyCode(currency)) throw validationError(`unknown ISO 4217 currency ${String(currency)}`, { field: 'currency' });
  let digits = MINOR_UNITS.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    MINOR_UNITS.set(currency, digits);
  }
  return digits;
}

export const money = (amount: number, currency: CurrencyCode = 'USD'): Money => {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`money amount must be a non-negative integer of minor units, got ${amount}`);
  }
  if (!isCurrencyCode(currency)) throw new RangeError(`money currency must be an ISO 4217 code, got ${String(currency)}`);
  return { amount, currency };
};

export const multiply = (price: Money, quantity: number): Money => money(price.amount * quantity, price.currency);
