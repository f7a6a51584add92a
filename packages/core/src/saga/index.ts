/**
 * `@limitedcart/core/saga`: the order saga, defined once, for saga-runner authors. A runner supplies durability and
 * executes `orderSaga` with the activities it is given (`createOrderSagaActivities(ports)` from the root entry).
 */

export type { OrderSagaInput, SagaSignal } from '../ports/saga-runner.js';
export { ACTIVITY_NAMES, type ActivityName, type EndStatus, type OrderSagaActivities } from './activities.js';
export { CompensationStack } from './compensation.js';
export type { SagaContext } from './context.js';
export { handleLateSignal, type OrderSagaResult, orderSaga, PAYMENT_RETRY_CHANGE } from './order-saga.js';
export { ACTIVITY_RETRY, isRetryableError, type RetryPolicy, retryDelayMs } from './retry.js';
export { sagaSignalKey } from './signal-key.js';
