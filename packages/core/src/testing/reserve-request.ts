import { randomUUID } from 'node:crypto';
import type { ReserveRequest } from '../ports/stock-gate.js';

const DAY_MS = 86_400_000;

/** `prefix-<uuid>`: an order, customer, SKU or op id no other test uses, still readable in a failure. */
export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID()}`;

/**
 * A reservation of one unit, by a new customer for a new order, with no per-customer limit and a hold that
 * lasts a day: stock-gate tests spell out only what their case is about in `overrides`.
 */
export const reserveRequest = (sku: string, overrides: Partial<ReserveRequest> = {}): ReserveRequest => ({
  sku,
  qty: 1,
  orderId: uniqueId('order'),
  customerId: uniqueId('customer'),
  limitPerCustomer: 0,
  holdUntil: new Date(Date.now() + DAY_MS),
  ...overrides,
});
