import { isLimitedCartError } from '@limitedcart/core';
import { ACTIVITY_NAMES, isRetryableError, type OrderSagaActivities } from '@limitedcart/core/saga';
import { ApplicationFailure } from '@temporalio/common';

/**
 * Rethrows `error` so Temporal applies core's retry classification: a fault `isRetryableError` rejects
 * (a business or input error) becomes a non-retryable ApplicationFailure that fails the step at once; anything
 * else is rethrown untouched and retried with the workflow's retry policy.
 */
export const toTemporalError = (error: unknown): unknown => {
  if (isRetryableError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const type = isLimitedCartError(error) ? error.code : error instanceof Error ? error.name : 'Error';
  const details = isLimitedCartError(error) ? [{ code: error.code, details: error.details ?? null }] : [];
  return ApplicationFailure.create({
    message,
    type,
    nonRetryable: true,
    details,
    cause: error instanceof Error ? error : undefined,
  });
};

/**
 * The activities a Temporal worker registers: core's order-saga activities, unchanged except that errors are
 * classified for Temporal's retries (`toTemporalError`). Activities bind only core ports.
 */
export const createTemporalActivities = (activities: OrderSagaActivities): OrderSagaActivities => {
  const wrapped = {} as Record<keyof OrderSagaActivities, (...args: unknown[]) => Promise<unknown>>;
  for (const name of ACTIVITY_NAMES) {
    const call = activities[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args) => {
      try {
        return await call.apply(activities, args);
      } catch (error) {
        throw toTemporalError(error);
      }
    };
  }
  return wrapped as unknown as OrderSagaActivities;
};
