import { describe, expect, it } from 'vitest';
import { isLimitedCartError, LimitedCartError } from '../src/domain/errors.js';
import { isCurrencyCode, minorUnits, money } from '../src/domain/money.js';

describe('money', () => {
  it('takes any ISO 4217 currency, with the minor units ISO gives it', () => {
    expect(minorUnits('USD')).toBe(2);
    expect(minorUnits('EUR')).toBe(2);
    expect(minorUnits('JPY')).toBe(0);
    expect(minorUnits('KWD')).toBe(3);
    // ISO 4217, where display customs (ICU) differ.
    expect(minorUnits('IQD')).toBe(3);
    expect(minorUnits('HUF')).toBe(2);
    expect(minorUnits('IDR')).toBe(2);
    expect(money(1_250, 'JPY')).toEqual({ amount: 1_250, currency: 'JPY' });
    expect(isCurrencyCode('usd')).toBe(false);
    expect(isCurrencyCode('EURO')).toBe(false);
    expect(() => money(100, 'XYZ')).toThrow(RangeError);
    expect(() => minorUnits('XYZ')).toThrow(/unknown ISO 4217 currency/);
  });
});

describe('LimitedCartError', () => {
  it('is recognised by its brand, so an error made by a second copy of core keeps its code', () => {
    // What another copy of the class produces: same name, code and brand, a different constructor.
    const foreign = Object.assign(new Error('bad input'), { [Symbol.for('limitedcart.error')]: true, code: 'VALIDATION' });
    expect(foreign instanceof LimitedCartError).toBe(true);
    expect(isLimitedCartError(foreign, 'VALIDATION')).toBe(true);
    expect(new Error('plain') instanceof LimitedCartError).toBe(false);
    expect(isLimitedCartError(null)).toBe(false);
  });
});
