import { describe, expect, it } from 'vitest';
import { formatDuration, formatMoney } from './format.js';
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

  it('formats minor units as dollars', () => {
    expect(formatMoney({ amount: 18_900, currency: 'USD' })).toBe('$189.00');
    expect(formatMoney({ amount: 5, currency: 'USD' })).toBe('$0.05');
  });
});
