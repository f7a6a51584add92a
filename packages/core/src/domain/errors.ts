/**
 * Every error LimitedCart throws. Expected business outcomes (sold out, limit reached, not cancellable)
 * are typed results, not errors; these codes are for bad input, missing things, defects and infrastructure.
 */
export type LimitedCartErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'ILLEGAL_TRANSITION'
  | 'IDEMPOTENCY_MISMATCH'
  | 'IDEMPOTENCY_IN_FLIGHT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'INFRASTRUCTURE'
  | 'TIMEOUT'
  | 'INTERNAL';

/** Marks LimitedCart errors, so one made by another copy of this package is still recognised. */
const BRAND = Symbol.for('limitedcart.error');

export class LimitedCartError extends Error {
  override readonly name = 'LimitedCartError';
  readonly [BRAND] = true;

  /**
   * `instanceof` answers by the brand, not by this class object: an error thrown by a second copy of core (an
   * application that ended up with two) is still classified by its code, never mistaken for an unknown fault.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  constructor(
    readonly code: LimitedCartErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details;
  }
  readonly details: Record<string, unknown> | undefined;
}

export const isLimitedCartError = (error: unknown, code?: LimitedCartErrorCode): error is LimitedCartError =>
  error instanceof LimitedCartError && (code === undefined || error.code === code);

export const validationError = (message: string, details?: Record<string, unknown>) =>
  new LimitedCartError('VALIDATION', message, { details });

export const notFound = (what: string, id: string) =>
  new LimitedCartError('NOT_FOUND', `${what} ${id} not found`, { details: { what, id } });
