import type { Engine, EngineAdapters, EventBus, Plugin } from '@limitedcart/core';
import type { RateLimiter } from '../http/rate-limit.js';
import type { StockReconciliation } from '../http/reconciliation.js';

/** What runs the engine's ports in this process, chosen from the configuration. */
export type StorageProfile = 'memory' | 'embedded' | 'production';

/**
 * The infrastructure half of the composition root: adapters for the engine plus what the server needs
 * around it. Built before the engine; `close` runs after `engine.stop()` and releases what the engine does not
 * own (the pool, the embedded Postgres server, Redis clients).
 */
export interface Infrastructure {
  readonly profile: StorageProfile;
  readonly adapters: Partial<EngineAdapters>;
  /** Whether the engine ships the outbox to the bus itself (false when the bus reads the outbox). */
  readonly relay: boolean;
  /**
   * Whether an order starts its saga inside the request (engine `startSagaInline`). False when the event bus
   * delivers `order.placed` durably and promptly by itself (Postgres LISTEN/NOTIFY): the engine then gives the saga a
   * bounded background head start (`sagaHeadStarts`) and the subscriber guarantees it, so the request does not pay
   * for the saga runner's commits. Default true.
   */
  readonly startSagaInline?: boolean;
  /** Plugins that open and probe the adapters (pg-boss runner, pool health). */
  readonly plugins: readonly Plugin[];
  /**
   * The bus for this process's own subscriptions (SSE fan-out, catalogue refresh). Their consumer groups are
   * unique per process, so it starts new groups at the newest event rather than replaying history.
   */
  notificationsBus(engine: Engine): EventBus;
  readonly rateLimiter: RateLimiter;
  reconciliation(engine: Engine): StockReconciliation;
  /** Adapter names per port, for the start-up log line. */
  readonly summary: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** Runs every closer even if one fails; newest first. */
export class Closers {
  readonly #closers: { name: string; close: () => Promise<void> }[] = [];

  add(name: string, close: () => Promise<void>): void {
    this.#closers.push({ name, close });
  }

  async closeAll(): Promise<void> {
    const failures: unknown[] = [];
    for (let closer = this.#closers.pop(); closer !== undefined; closer = this.#closers.pop()) {
      try {
        await closer.close();
      } catch (error) {
        failures.push(new Error(`${closer.name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, 'closing the infrastructure failed');
  }
}

/**
 * How long a process repeats a SOLD_OUT answer without asking its gate (`withSoldOutCache`). Releases, expiries
 * and restocks made by this process take effect at once; one made by another replica makes its units sellable
 * here at most this much later.
 */
export const SOLD_OUT_CACHE_MS = 250;
