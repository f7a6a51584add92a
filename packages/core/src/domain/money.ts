/** Money in integer minor units (cents). Floating point never touches an amount. */
export interface Money {
  readonly amount: number;
  readonly currency: Currency;
}

export type Currency = 'USD';

export const money = (amount: number, currency: Currency = 'USD'): Money => {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`money amount must be a non-negative integer of minor units, got ${amount}`);
  }
  return { amount, currency };
};

export const multiply = (price: Money, quantity: number): Money => money(price.amount * quantity, price.currency);
