import { validationError } from '../domain/errors.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Logger } from '../ports/small-ports.js';
import type { OutboxRecord, OutboxStore } from '../ports/stores.js';

export interface OutboxRelayOptions {
  readonly outbox: OutboxStore;
  readonly bus: EventBus;
  /** Rows claimed per round trip. Default 100. */
  readonly batchSize?: number;
  /** How long claimed rows stay reserved for this relay; must exceed a publish. Default 30 s. */
  readonly leaseMs?: number;
  /** Pause between polls when the outbox is empty or a publish failed. Default 200 ms. */
  readonly intervalMs?: number;
  readonly logger?: Logger;
}

export interface OutboxRelay {
  /** Starts polling in the background. Idempotent. */
  start(): void;
  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void>;
  /** Cuts the current pause short, e.g. right after a commit that appended events. */
  wake(): void;
  /**
   * Ships everything unshipped now: claims batches, publishes each in position order, marks it shipped,
   * until a claim comes back empty. Returns the number of events shipped. Throws if a publish fails; the
   * failed batch is kept and published first on the next call.
   */
  drainOnce(): Promise<number>;
}

/**
 * Ships outbox rows to the event bus, at least once: a crash between publish and `markShipped` publishes the
 * rows again once their lease lapses, and subscribers deduplicate by event id. Several relays may run: the
 * lease keeps them off each other's rows.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { outbox, bus, logger } = options;
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 200;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw validationError('batchSize must be an integer ≥ 1');
  if (!(leaseMs > 0)) throw validationError('leaseMs must be positive');
  if (!(intervalMs >= 0)) throw validationError('intervalMs must be ≥ 0');

  // A batch whose publish failed. It is retried before anything newer is claimed: shipping later rows first
  // would put an aggregate's events out of order.
  let unacknowledged: OutboxRecord[] = [];
  let draining: Promise<number> | null = null;
  let running = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  // A wake that arrives mid-round must not be lost: the next pause is skipped instead.
  let wakeRequested = false;

  const ship = async (batch: readonly OutboxRecord[]): Promise<void> => {
    const ordered = [...batch].sort((a, b) => a.position - b.position);
    await bus.publish(ordered.map((record) => record.event));
    await outbox.markShipped(ordered.map((record) => record.position));
  };

  const drain = async (): Promise<number> => {
    let shipped = 0;
    if (unacknowledged.length > 0) {
      await ship(unacknowledged);
      shipped += unacknowledged.length;
      unacknowledged = [];
    }
    for (;;) {
      const batch = await outbox.claimUnshipped(batchSize, leaseMs);
      if (batch.length === 0) return shipped;
      try {
        await ship(batch);
      } catch (error) {
        unacknowledged = [...batch];
        throw error;
      }
      shipped += batch.length;
    }
  };

  // Concurrent callers share one round, so one relay never publishes its own batch twice at the same time.
  const drainOnce = (): Promise<number> => {
    if (!draining) draining = drain().finally(() => (draining = null));
    return draining;
  };

  const pause = (): Promise<void> =>
    new Promise((resolve) => {
      if (wakeRequested) {
        wakeRequested = false;
        return resolve();
      }
      const timer = setTimeout(done, intervalMs);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  const poll = async (): Promise<void> => {
    while (running) {
      try {
        const shipped = await drainOnce();
        if (shipped > 0) logger?.debug('outbox relay shipped events', { count: shipped });
      } catch (error) {
        logger?.error('outbox relay round failed; retrying', { error });
      }
      if (running) await pause();
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop = poll();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
      loop = null;
    },
    wake() {
      if (wakeUp) wakeUp();
      else if (running) wakeRequested = true;
    },
    drainOnce,
  };
}
