/** RFC 9457 problem details as the server sends them, with its stable `code`. */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
  readonly [extension: string]: unknown;
}

/** A non-2xx answer of the API (or a network failure, status 0 and code `NETWORK`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
  }

  get code(): string {
    return this.problem.code;
  }

  get status(): number {
    return this.problem.status;
  }
}

/** Shopper-facing wording for the codes a person can act on; anything else falls back to the server's detail. */
const MESSAGES: Record<string, string> = {
  OUT_OF_STOCK: 'Every unit is sold or held right now. Held units come back on sale if they are not paid in time.',
  LIMIT_EXCEEDED: 'You already hold or bought as many as this product allows per customer.',
  NOT_ON_SALE: 'This product is not on sale yet.',
  NOT_CANCELLABLE: 'This order can no longer be cancelled.',
  NOT_PAYABLE: 'This order can no longer be paid: its hold has ended.',
  HOLD_EXPIRED: 'The hold on this order has ended, so it can no longer be paid. Nothing was charged.',
  EMAIL_TAKEN: 'An account with this email already exists.',
  ACCOUNT_DISABLED: 'This account is locked. Ask the shop to unlock it.',
  INVALID_CREDENTIALS: 'Email or password is wrong.',
  RATE_LIMITED: 'Too many attempts. Wait a moment and try again.',
  PAYMENT_DECLINED: 'Your card was declined.',
  PAYMENT_GATEWAY_ERROR: 'The payment provider failed. You can try again.',
  PAYMENT_NOT_PROCESSABLE: 'This payment is already being processed or was paid.',
  UNAUTHENTICATED: 'Your session has ended. Please sign in again.',
  FORBIDDEN: 'Your account is not allowed to do this.',
  NOT_FOUND: 'Not found.',
  NETWORK: 'Cannot reach the server. Check your connection and try again.',
};

/** A sentence for a person, from any error the API layer raises. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'VALIDATION' && error.problem.errors?.length) {
      return error.problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    }
    return MESSAGES[error.code] ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export const isApiError = (error: unknown, code?: string): error is ApiError =>
  error instanceof ApiError && (code === undefined || error.code === code);
