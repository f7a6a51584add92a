import type { AdmissionQueue } from '../ports/admission-queue.js';
import type { QueueSettingsStore } from '../ports/queue-settings.js';
import type { Logger } from '../ports/small-ports.js';
import type { AdmissionTokens } from './admission-tokens.js';

export type AdmissionRefusal = 'ADMISSION_REQUIRED' | 'ADMISSION_INVALID' | 'ADMISSION_EXPIRED' | 'ADMISSION_SPENT';

/** What `placeOrder` asks about a product that may have a waiting room. */
export interface AdmissionCheck {
  /**
   * null when the order may go on: the product has no queue, or the token is this customer's admission to it and had
   * an attempt left (the attempt is counted). Else why not.
   */
  check(input: { readonly customerId: string; readonly productId: string; readonly admissionToken?: string }): Promise<AdmissionRefusal | null>;
  /** The admitted customer's order was accepted: their admission is used and the line moves on. */
  complete(input: { readonly customerId: string; readonly productId: string }): Promise<void>;
  /** Forgets what this process knows about the product's queue (it was just configured here). */
  invalidate(productId: string): void;
}

export interface AdmissionCheckOptions {
  readonly queueSettings: QueueSettingsStore;
  readonly admissionQueue: AdmissionQueue;
  readonly tokens: AdmissionTokens;
  readonly logger: Logger;
  /** How long whether a product has a queue is remembered. Default 2 s. */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

const REFUSALS = { INVALID: 'ADMISSION_INVALID', MISMATCH: 'ADMISSION_INVALID', EXPIRED: 'ADMISSION_EXPIRED', SPENT: 'ADMISSION_SPENT' } as const;

/**
 * The waiting room's gate in front of the stock gate. Whether a product has a queue is read from the settings store
 * and remembered for `cacheMs`, so the order path of an unqueued product (and every attempt of a queued one) costs
 * no extra round trip; a queue configured in another process is enforced here at most `cacheMs` later. The token is a
 * signature check plus one rate-limiter hit (the attempt budget).
 */
export function createAdmissionCheck(options: AdmissionCheckOptions): AdmissionCheck {
  const cacheMs = options.cacheMs ?? 2_000;
  const now = options.now ?? Date.now;
  const known = new Map<string, { queued: boolean; until: number }>();
  const MAX_REMEMBERED = 10_000;

  const isQueued = async (productId: string): Promise<boolean> => {
    const cached = known.get(productId);
    if (cached && cached.until > now()) return cached.queued;
    const queued = (await options.queueSettings.get(productId)) !== null;
    if (known.size >= MAX_REMEMBERED) known.clear();
    known.set(productId, { queued, until: now() + cacheMs });
    return queued;
  };

  return {
    async check({ customerId, productId, admissionToken }) {
      if (!(await isQueued(productId))) return null;
      if (admissionToken === undefined) return 'ADMISSION_REQUIRED';
      const result = await options.tokens.consume(admissionToken, { customerId, dropId: productId });
      return result.ok ? null : REFUSALS[result.reason];
    },
    async complete({ customerId, productId }) {
      if (!(await isQueued(productId))) return;
      // The order is accepted whatever happens here: a failure leaves the admission to lapse at its end instead.
      await options.admissionQueue.complete(productId, customerId).catch((error: unknown) => {
        options.logger.warn('marking an admission used failed; it lapses at its end', { productId, customerId, error });
      });
    },
    invalidate(productId) {
      known.delete(productId);
    },
  };
}
