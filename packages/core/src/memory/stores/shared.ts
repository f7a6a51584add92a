import { LimitedCartError, validationError } from '../../domain/errors.js';
import type { Clock } from '../../ports/small-ports.js';
import type { Page, PageRequest } from '../../ports/stores.js';

/** Rows are handed out as deep copies: callers can never reach a stored object. */
export const copy = <T>(value: T): T => structuredClone(value);

export const requireId = (value: string, what: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw validationError(`${what} must be a non-empty string`);
  return value;
};

/** A fresh Date from the clock: a clock returning one shared Date object must not alias stored rows. */
export const timestamp = (clock: Clock): Date => new Date(clock.now().getTime());

export const conflict = (message: string, details?: Record<string, unknown>): LimitedCartError =>
  new LimitedCartError('CONFLICT', message, { details });

export function pageOf<T>(rows: readonly T[], request: PageRequest): Page<T> {
  const { page, size } = request;
  if (!Number.isSafeInteger(page) || page < 0) throw validationError('page must be an integer ≥ 0', { page });
  if (!Number.isSafeInteger(size) || size < 1) throw validationError('size must be an integer ≥ 1', { size });
  return { items: rows.slice(page * size, page * size + size).map(copy), page, size, total: rows.length };
}

/** Oldest first, ties by id, so paging is stable. */
export const byCreatedAtThenId = <T extends { readonly createdAt: Date; readonly id: string }>(a: T, b: T): number =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
