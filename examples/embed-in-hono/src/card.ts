import { type CardDetails, validationError } from '@limitedcart/core';

const text = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100) {
    throw validationError(`card.${field} must be a non-empty string`, { field: `card.${field}` });
  }
  return value;
};

const integer = (value: unknown, field: string, min: number, max: number): number => {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw validationError(`card.${field} must be an integer in ${min}..${max}`, { field: `card.${field}` });
  }
  return value as number;
};

/** Card details from a request body; the gateway port takes them as they are. */
export function parseCard(value: unknown): CardDetails {
  if (typeof value !== 'object' || value === null) throw validationError('card must be an object', { field: 'card' });
  const card = value as Record<string, unknown>;
  return {
    number: text(card.number, 'number'),
    expMonth: integer(card.expMonth, 'expMonth', 1, 12),
    expYear: integer(card.expYear, 'expYear', 2000, 2100),
    cvc: text(card.cvc, 'cvc'),
    holder: text(card.holder, 'holder'),
  };
}
