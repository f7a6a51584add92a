import { validationError } from './errors.js';

/**
 * Money in integer minor units of an ISO 4217 currency (cents for USD, yen for JPY, fils for KWD). Floating point
 * never touches an amount.
 */
export interface Money {
  readonly amount: number;
  readonly currency: CurrencyCode;
}

/**
 * The largest amount of one price, order total or payment, in minor units (1,000,000.00 USD). Prices above it are
 * refused, and so is an order whose `quantity × price` would exceed it: the HTTP schema and every gateway call
 * promise amounts within it, and it keeps every product of amounts far inside the safe-integer range.
 */
export const MAX_MONEY_AMOUNT = 100_000_000;

/** An ISO 4217 alphabetic code, upper case: `USD`, `EUR`, `JPY`, `KWD`. */
export type CurrencyCode = string;

/** Codes the runtime's ICU data knows (every active ISO 4217 currency on Node's full-ICU builds). */
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/**
 * ISO 4217's minor units where they are not 2. Taken from the standard's list rather than from ICU, whose digits
 * follow display customs (ICU shows IQD with 0 digits, HUF and IDR with 0; ISO gives 3, 2 and 2). Funds and
 * metals without minor units (XAU, XDR, ...) count as 0.
 */
const NOT_TWO: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0,
  XAF: 0, XOF: 0, XPF: 0, XAG: 0, XAU: 0, XBA: 0, XBB: 0, XBC: 0, XBD: 0, XDR: 0, XPD: 0, XPT: 0, XSU: 0, XTS: 0,
  XUA: 0, XXX: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export const isCurrencyCode = (value: unknown): value is CurrencyCode => typeof value === 'string' && KNOWN_CURRENCIES.has(value);

/** Digits after the decimal point of `currency`, as ISO 4217 defines them: 2 for USD and EUR, 0 for JPY, 3 for KWD. */
export function minorUnits(currency: CurrencyCode): number {
  if (!isCurrencyCode(currency)) throw validationError(`unknown ISO 4217 currency ${String(currency)}`, { field: 'currency' });
  return NOT_TWO[currency] ?? 2;
}

export const money = (amount: number, currency: CurrencyCode = 'USD'): Money => {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`money amount must be a non-negative integer of minor units, got ${amount}`);
  }
  if (!isCurrencyCode(currency)) throw new RangeError(`money currency must be an ISO 4217 code, got ${String(currency)}`);
  return { amount, currency };
};

export const multiply = (price: Money, quantity: number): Money => money(price.amount * quantity, price.currency);

/** Minor units to a number of major units: 18 900 USD → 189, 1 500 JPY → 1 500, 1 250 KWD → 1.25. */
export const toMajorUnits = (price: Money): number => price.amount / 10 ** minorUnits(price.currency);

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * A localized amount ("$189.00", "¥1,500", "KWD 1.250") with exactly the currency's ISO 4217 digits: ICU's own
 * digits follow display customs (HUF and IDR without decimals, IQD with none), which would show such amounts 100
 * or 1,000 times too large. The storefront and the server-rendered catalogue both format with this.
 */
export function formatMoney(price: Money, locale = 'en-US'): string {
  const key = `${locale} ${price.currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const digits = minorUnits(price.currency);
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency: price.currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(key, formatter);
  }
  return formatter.format(toMajorUnits(price));
}
