import { ROLES, type Role } from '../domain/customer.js';
import { validationError } from '../domain/errors.js';
import { isCurrencyCode, MAX_MONEY_AMOUNT, type Money } from '../domain/money.js';
import type { Actor } from './ports.js';

/**
 * Input checks for the use-case boundary. Use cases are the public facade integrators call directly, so
 * they validate shape once here and internals trust their types. Each check names the offending field.
 */

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validationError(`${field} must be an object, got ${describe(value)}`, { field });
  }
  return value as Record<string, unknown>;
}

export function requireString(value: unknown, field: string, { maxLength = 10_000 } = {}): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw validationError(`${field} must be a non-empty string`, { field });
  }
  if (value.length > maxLength) {
    throw validationError(`${field} must be at most ${maxLength} characters`, { field });
  }
  return value;
}

export function requireText(value: unknown, field: string, { maxLength = 10_000 } = {}): string {
  if (typeof value !== 'string') throw validationError(`${field} must be a string`, { field });
  if (value.length > maxLength) {
    throw validationError(`${field} must be at most ${maxLength} characters`, { field });
  }
  return value;
}

export function requireInteger(value: unknown, field: string, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw validationError(`${field} must be an integer between ${min} and ${max}`, { field, value });
  }
  return value;
}

export function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw validationError(`${field} must be a boolean`, { field });
  return value;
}

export function requireOneOf<const T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw validationError(`${field} must be one of ${allowed.join(', ')}`, { field, value });
  }
  return value as T;
}

export function requireMoney(value: unknown, field: string): Money {
  const object = requireObject(value, field);
  const amount = requireInteger(object.amount, `${field}.amount`, { max: MAX_MONEY_AMOUNT });
  if (!isCurrencyCode(object.currency)) {
    throw validationError(`${field}.currency must be an ISO 4217 code such as USD, EUR or JPY`, { field: `${field}.currency` });
  }
  return { amount, currency: object.currency };
}

/** A date; ISO strings are accepted because the value often comes straight from JSON. */
export function requireDate(value: unknown, field: string): Date {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) {
    throw validationError(`${field} must be a date or an ISO date string`, { field });
  }
  return date;
}

export function requireDateOrNull(value: unknown, field: string): Date | null {
  return value === null ? null : requireDate(value, field);
}

export function optionalString(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : requireString(value, field);
}

/** Text typed into a search box: trimmed, at most 254 characters (an email's length); blank or absent is no filter. */
export function searchText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  const text = requireText(value, field, { maxLength: 254 }).trim();
  return text === '' ? undefined : text;
}

/** The authenticated caller. Roles outside the known set are dropped rather than trusted. */
export function requireActor(value: unknown): Actor {
  const actor = requireObject(value, 'actor');
  const customerId = requireString(actor.customerId, 'actor.customerId', { maxLength: 200 });
  if (!Array.isArray(actor.roles)) throw validationError('actor.roles must be an array', { field: 'actor.roles' });
  const roles = actor.roles.filter((role): role is Role => (ROLES as readonly unknown[]).includes(role));
  return { customerId, roles };
}
