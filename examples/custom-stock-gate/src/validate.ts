import { LimitedCartError, type ReserveRequest } from '@limitedcart/core';

const invalid = (message: string, field: string): LimitedCartError =>
  new LimitedCartError('VALIDATION', message, { details: { field } });

export function requireId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${field} must be a non-empty string`, field);
  return value;
}

export function requirePositiveInteger(value: unknown, field: string): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw invalid(`${field} must be a positive integer, got ${String(value)}`, field);
  }
  return value as number;
}

/** The port's input rules: bad input is a VALIDATION error, never a rejection and never a stored event. */
export function validateReserve(request: ReserveRequest): void {
  requireId(request.sku, 'sku');
  requireId(request.orderId, 'orderId');
  requireId(request.customerId, 'customerId');
  requirePositiveInteger(request.qty, 'qty');
  if (!Number.isSafeInteger(request.limitPerCustomer) || request.limitPerCustomer < 0) {
    throw invalid('limitPerCustomer must be a non-negative integer', 'limitPerCustomer');
  }
  if (!(request.holdUntil instanceof Date) || Number.isNaN(request.holdUntil.getTime())) {
    throw invalid('holdUntil must be a valid date', 'holdUntil');
  }
}
