import { LimitedCartError, type ReserveRequest } from '@limitedcart/core';

const fail = (message: string, details: Record<string, unknown>): never => {
  throw new LimitedCartError('VALIDATION', message, { details });
};

export function requireText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') fail(`${name} must be a non-empty string`, { [name]: value });
  return value as string;
}

export function requirePositiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    fail(`${name} must be a positive integer`, { [name]: value });
  }
  return value as number;
}

/** Checks a reservation before any script runs, so Redis only ever sees well-formed arguments. */
export function validateReserveRequest(request: ReserveRequest): void {
  requireText('sku', request.sku);
  requireText('orderId', request.orderId);
  requireText('customerId', request.customerId);
  requirePositiveInteger('qty', request.qty);
  const limit = request.limitPerCustomer;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
    fail('limitPerCustomer must be a non-negative integer', { limitPerCustomer: limit });
  }
  if (!(request.holdUntil instanceof Date) || Number.isNaN(request.holdUntil.getTime())) {
    fail('holdUntil must be a valid Date', { holdUntil: request.holdUntil });
  }
}
