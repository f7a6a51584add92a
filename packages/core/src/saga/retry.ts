import { LimitedCartError } from '../domain/errors.js';

/** Faults worth retrying: infrastructure and timeouts, and anything unknown. Business and input errors are not. */
export const isRetryableError = (error: unknown): boolean =>
  !(error instanceof LimitedCartError) || error.code === 'INFRASTRUCTURE' || error.code === 'TIMEOUT';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly backoff: number;
}

/** The one retry policy every runner applies to activities. */
export const ACTIVITY_RETRY: RetryPolicy = { maxAttempts: 8, initialDelayMs: 200, maxDelayMs: 10_000, backoff: 2 };

export const retryDelayMs = (policy: RetryPolicy, attempt: number): number =>
  Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.backoff ** Math.max(0, attempt - 1));
