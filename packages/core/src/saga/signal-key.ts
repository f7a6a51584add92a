import type { SagaSignal } from '../ports/saga-runner.js';

/**
 * The identity of a saga signal, which every runner dedupes on: a redelivered payment outcome or a second cancel
 * acts once; a hold extension is identified by the deadline it sets, so extending twice to one instant acts once.
 */
export const sagaSignalKey = (signal: SagaSignal): string => {
  switch (signal.type) {
    case 'cancel':
      return 'cancel';
    case 'hold-extended':
      return `hold-extended:${signal.holdUntil}`;
    default:
      return `${signal.type}:${signal.paymentId}`;
  }
};
