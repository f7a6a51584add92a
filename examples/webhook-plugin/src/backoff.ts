import type { RetryPolicy } from './options.js';

/**
 * Delay before attempt `attempt + 1`, after `attempt` failed: base·2^(attempt-1), capped, optionally
 * jittered within its upper half. A server's `Retry-After` (seconds) is honoured when longer, within the cap.
 */
export function retryDelay(attempt: number, policy: RetryPolicy, retryAfterSeconds: number | null = null, random = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = policy.jitter ? exponential / 2 + random() * (exponential / 2) : exponential;
  const asked = retryAfterSeconds === null ? 0 : Math.min(policy.maxDelayMs, retryAfterSeconds * 1000);
  return Math.round(Math.max(jittered, asked));
}

/** `Retry-After` as seconds; HTTP dates and garbage count as absent. */
export function parseRetryAfter(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
