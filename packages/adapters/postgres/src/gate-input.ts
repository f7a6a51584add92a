import { type ReserveRequest, validationError } from '@limitedcart/core';

/** Largest quantity one gate call takes (the gate functions take integer quantities; the counters are bigint). */
const MAX_QTY = 2_147_483_647;
const MAX_ID_LENGTH = 200;
// Control characters have no business in an id and are a classic way to smuggle log or key confusion.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to reject control characters.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** An id (sku, order, customer, op): a non-empty string of at most 200 printable characters. */
export const checkId = (field: string, value: unknown): string => {
  if (typeof value !== 'string' || value.trim().length === 0) throw validationError(`${field} must be a non-empty string`, { field });
  if (value.length > MAX_ID_LENGTH) throw validationError(`${field} is longer than ${MAX_ID_LENGTH} characters`, { field });
  if (CONTROL.test(value)) throw validationError(`${field} contains control characters`, { field });
  return value;
};

export const checkQuantity = (field: string, value: unknown): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_QTY) {
    throw validationError(`${field} must be a positive integer up to ${MAX_QTY}`, { field, value });
  }
  return value;
};

export const checkDate = (field: string, value: unknown): Date => {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw validationError(`${field} must be a valid Date`, { field });
  return value;
};

/** Validates a reservation before any SQL runs, so bad input never reaches (or half-writes) the ledger. */
export const checkReserveRequest = (request: ReserveRequest): ReserveRequest => {
  if (typeof request !== 'object' || request === null) throw validationError('reserve request must be an object');
  const limit = request.limitPerCustomer;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > MAX_QTY) {
    throw validationError('limitPerCustomer must be a non-negative integer (0 = unlimited)', { field: 'limitPerCustomer' });
  }
  return {
    sku: checkId('sku', request.sku),
    qty: checkQuantity('qty', request.qty),
    orderId: checkId('orderId', request.orderId),
    customerId: checkId('customerId', request.customerId),
    limitPerCustomer: limit,
    holdUntil: checkDate('holdUntil', request.holdUntil),
  };
};
