import { describe, expect, it } from 'vitest';
import { formatDuration, formatMoney, toMajorUnits, toMinorUnits } from './format.js';
import { stockStateOf } from './stock-state.js';

describe('stockStateOf', () => {
  it('is unknown without stock data', () => {
    expect(stockStateOf(undefined)).toBe('unknown');
  });

  it('is sold out at zero available', () => {
    expect(stockStateOf({ available: 0, restockedTotal: 100 })).toBe('sold-out');
  });

  it('is selling fast at a few units or under a fifth of the restocked total', () => {
    expect(stockStateOf({ available: 5, restockedTotal: 1000 })).toBe('selling-fast');
    expect(stockStateOf({ available: 19, restockedTotal: 100 })).toBe('selling-fast');
    expect(stockStateOf({ available: 30, restockedTotal: 100 })).toBe('available');
    expect(stockStateOf({ available: 30 })).toBe('available');
  });
});

describe('formatting', () => {
  it('formats countdowns without going negative', () => {
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(400)).toBe('0:01');
    expect(formatDuration(-5_000)).toBe('0:00');
  });

  it("formats minor units with the currency's ISO 4217 digits", () => {
    expect(formatMoney({ amount: 18_900, currency: 'USD' })).toBe('$189.00');
    expect(formatMoney({ amount: 5, currency: 'USD' })).toBe('$0.05');
    expect(formatMoney({ amount: 1_500, currency: 'JPY' })).toBe('¥1,500');
    expect(formatMoney({ amount: 1_250, currency: 'KWD' })).toBe('KWD\u00a01.250');
    // ICU shows HUF without decimals; ISO 4217 (and the engine) count fillér: 12 345 minor units are 123.45 Ft.
    expect(formatMoney({ amount: 12_345, currency: 'HUF' })).toBe('HUF\u00a0123.45');
  });

  it('converts typed major units to minor units and back by the currency', () => {
    expect(toMinorUnits(19.99, 'USD')).toBe(1_999);
    expect(toMinorUnits(1_500, 'JPY')).toBe(1_500);
    expect(toMinorUnits(1.25, 'KWD')).toBe(1_250);
    expect(toMajorUnits({ amount: 1_999, currency: 'USD' })).toBe(19.99);
    expect(toMajorUnits({ amount: 1_500, currency: 'JPY' })).toBe(1_500);
  });
});
