import type { AdmissionQueue } from '../ports/admission-queue.js';
import type { QueueSettingsStore } from '../ports/queue-settings.js';
import { DEFAULT_DROP_QUEUE_POLICY } from '../ports/queue-settings.js';
import type { Clock, Logger } from '../ports/small-ports.js';
import type { StockGate } from '../ports/stock-gate.js';
import type { OutboxStore, ProductStore } from '../ports/stores.js';
import { type AdmitterRound, createQueueAdmitter } from './queue-admitter.js';
import { queueRoundEvents } from './queue-events.js';

export interface AdmissionRoundsDeps {
  readonly admissionQueue: AdmissionQueue;
  readonly queueSettings: QueueSettingsStore;
  readonly stockGate: StockGate;
  readonly products: Pick<ProductStore, 'get'>;
  readonly outbox: Pick<OutboxStore, 'append'>;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface AdmissionRounds {
  /** One round for every queued drop that is open (or still has admissions running), each published as `queue.round`. */
  runAll(): Promise<AdmitterRound[]>;
}

/**
 * The worker's admitter: a `createQueueAdmitter` round per queued drop, with the drop's policy, and what it did
 * published through the outbox as `queue.round` events, one per drop and round (a few for a round admitting hundreds),
 * never one per waiting shopper: each api process turns them into the events of its own streams. A round that changed
 * nothing publishes nothing.
 */
export function createAdmissionRounds(deps: AdmissionRoundsDeps): AdmissionRounds {
  const skus = new Map<string, string>();
  const published = new Map<string, string>();

  const skuOf = async (dropId: string): Promise<string | null> => {
    const known = skus.get(dropId);
    if (known !== undefined) return known;
    const product = await deps.products.get(dropId);
    if (product === null) return null;
    skus.set(dropId, product.sku);
    return product.sku;
  };

  const runOne = async (dropId: string): Promise<AdmitterRound | null> => {
    const before = await deps.admissionQueue.status(dropId);
    if (before === null || (before.state === 'SOLD_OUT' && before.admitted === 0 && published.get(dropId)?.startsWith('SOLD_OUT'))) return null;
    const sku = await skuOf(dropId);
    if (sku === null) return null;
    const policy = (await deps.queueSettings.get(dropId)) ?? DEFAULT_DROP_QUEUE_POLICY;
    const admitter = createQueueAdmitter({
      queue: deps.admissionQueue,
      stockGate: deps.stockGate,
      admitForMs: policy.admitForSeconds * 1000,
      abandonmentMargin: policy.abandonmentMargin,
    });
    const round = await admitter.admit({ dropId, sku });
    const status = round.status ?? before;
    const fingerprint = `${status.state}:${status.drawn}:${status.waiting}:${status.admitted}:${status.abandoned}`;
    const changed = round.admitted.length > 0 || round.lapsed.length > 0 || round.closedSoldOut || published.get(dropId) !== fingerprint;
    if (!changed) return round;
    published.set(dropId, fingerprint);
    await deps.outbox.append(
      queueRoundEvents({
        productId: dropId,
        admitted: round.admitted.map((admission) => ({ customerId: admission.customerId, admittedUntil: admission.admittedUntil.toISOString() })),
        lapsed: round.lapsed,
        soldOut: round.closedSoldOut,
        waiting: status.waiting,
        running: status.admitted,
        abandoned: status.abandoned,
        drawn: status.drawn,
        opensAt: status.opensAt.toISOString(),
        admitForSeconds: policy.admitForSeconds,
        at: deps.clock.now().toISOString(),
      }),
    );
    return round;
  };

  return {
    async runAll() {
      const rounds: AdmitterRound[] = [];
      for (const dropId of await deps.queueSettings.list()) {
        try {
          const round = await runOne(dropId);
          if (round !== null) rounds.push(round);
        } catch (error) {
          // One drop's fault must not stop the others' admissions.
          deps.logger.error('queue admission round failed', { dropId, error });
        }
      }
      return rounds;
    },
  };
}
