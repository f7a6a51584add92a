import type { CardDetails } from '@limitedcart/core';

/**
 * Deterministic test cards. Any other card that passes Luhn and expiry checks succeeds, like a sandbox.
 */
export const TEST_CARDS = {
  succeeds: '4242424242424242',
  declines: '4000000000000002',
  gatewayError: '4000000000000119',
} as const;

export const luhnValid = (digits: string): boolean => {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
};

export type CardProblem = 'INVALID_NUMBER' | 'EXPIRED' | 'INVALID_EXPIRY' | 'INVALID_CVC' | 'INVALID_HOLDER';

/** Checks a card the way a gateway would before charging it; null when it is acceptable. */
export function cardProblem(card: CardDetails, now: Date): CardProblem | null {
  const number = card.number.replace(/[\s-]/g, '');
  if (!luhnValid(number)) return 'INVALID_NUMBER';
  if (!Number.isInteger(card.expMonth) || card.expMonth < 1 || card.expMonth > 12) return 'INVALID_EXPIRY';
  if (!Number.isInteger(card.expYear) || card.expYear < 2000 || card.expYear > 2100) return 'INVALID_EXPIRY';
  // A card is valid through the last day of its expiry month.
  const firstDayAfterExpiry = Date.UTC(card.expYear, card.expMonth, 1);
  if (firstDayAfterExpiry <= now.getTime()) return 'EXPIRED';
  if (!/^\d{3,4}$/.test(card.cvc)) return 'INVALID_CVC';
  if (card.holder.trim().length === 0 || card.holder.length > 128) return 'INVALID_HOLDER';
  return null;
}

export const normalizeCardNumber = (number: string): string => number.replace(/[\s-]/g, '');
