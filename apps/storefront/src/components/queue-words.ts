import { ApiError, describeError } from '../api/problem.js';

/** Shopper-facing wording for the waiting room's answers; anything else as the rest of the app words it. */
const QUEUE_MESSAGES: Record<string, string> = {
  NO_QUEUE: 'This product has no waiting room.',
  NOT_IN_QUEUE: 'You are not in this waiting room yet.',
  SOLD_OUT: 'This drop is sold out: the waiting room is closed.',
  QUEUE_ADDRESS_CAP: 'Too many shoppers joined this waiting room from your network. Only a few entries per address are allowed.',
  PROOF_OF_WORK_REQUIRED: 'The browser check is missing. Please try again.',
  PROOF_OF_WORK_INVALID: 'The browser check did not pass. Please try again.',
  ADMISSION_REQUIRED: 'This drop sells through its waiting room: join it, and buy when it is your turn.',
  ADMISSION_INVALID: 'Your turn could not be confirmed. Reload the waiting room and try again.',
  ADMISSION_EXPIRED: 'Your turn to buy has ended.',
  ADMISSION_SPENT: 'Your turn was already used for as many order attempts as it allows.',
};

export function describeQueueError(error: unknown): string {
  return error instanceof ApiError && QUEUE_MESSAGES[error.code] ? QUEUE_MESSAGES[error.code]! : describeError(error);
}

/** "10:42:07" in the shopper's time zone, 24-hour. */
export const formatClock = (iso: string): string =>
  new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** "less than a minute", "about 1 minute", "about 12 minutes", "about 2 hours". */
export function formatWait(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return `about ${hours} hours`;
}
