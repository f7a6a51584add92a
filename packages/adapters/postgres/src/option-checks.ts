import { validationError } from '@limitedcart/core';

/** A numeric adapter option that must be a positive integer (a count, a size, milliseconds). */
export const checkPositiveInteger = (field: string, value: number): number => {
  if (!Number.isInteger(value) || value <= 0) throw validationError(`${field} must be a positive integer`);
  return value;
};
