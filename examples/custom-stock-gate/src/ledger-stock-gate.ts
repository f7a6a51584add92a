import { type Clock, type HealthReport, type HoldState, type Lifecycle, LimitedCartError, type StockGate, type StockSnapshot } from '@limitedcart/core';
import {
  type Decision,
  decideCommit,
  decideExpire,
  decideExtend,
  decideRelease,
  decideReserve,
  decideRestock,
  restockSnapshot,
} from './decide.js';
import { createMemoryLedgerLog, type LedgerLog } from './ledger-log.js';
import { type Projection, project } from './projection.js';
import { SerialQueue } from './serial-queue.js';
import { requireId, requirePositiveInteger, validateReserve } from './validate.js';

export interface LedgerStockGateOptions {
  /** Where events are kept. Default: an in-memory log. */
  readonly log?: LedgerLog;
  /**
   * The gate's clock: stamps `at` on events and decides which holds `expire` finds due (the caller passes no time,
   * so a caller whose clock runs ahead cannot release a live hold). Default: the system clock.
   */
  readonly clock?: Clock;
  /** Name in health reports. Default 'ledger-stock-gate'. */
  readonly name?: string;
}

/** The gate plus the lifecycle the engine drives and a view of the derived state for audits. */
export interface LedgerStockGate extends StockGate, Required<Pick<Lifecycle, 'open' | 'close' | 'health'>> {
  /** Replays the whole log into a fresh projection and reports SKUs whose counters differ from the live ones. */
  audit(): Promise<{ readonly skus: number; readonly mismatches: readonly string[] }>;
}

/**
 * A StockGate whose only state is an append-only ledger of stock events. Counters are never stored: they
 * are a projection folded from the events, kept in memory and rebuilt by replaying the log when the gate
 * opens. Commands run one at a time (a serial queue), each deciding against the projection, appending its
 * events, and applying them before the next command looks. Single-process by design: one gate instance per
 * log; scale-out needs a shared gate such as the Postgres or Redis one.
 *
 * No IO happens until the first call (or `open()`); `close()` waits for queued commands.
 */
export function createLedgerStockGate(options: LedgerStockGateOptions = {}): LedgerStockGate {
  const log = options.log ?? createMemoryLedgerLog();
  const now = (): number => (options.clock?.now() ?? new Date()).getTime();
  const name = options.name ?? 'ledger-stock-gate';
  const queue = new SerialQueue();
  let opening: Promise<Projection> | undefined;
  let closed = false;
  /** Set when an append failed half-way: the log's tail is unknown until the gate is reopened. */
  let broken: unknown;

  const open = (): Promise<Projection> => {
    if (closed) return Promise.reject(new LimitedCartError('INFRASTRUCTURE', `${name} is closed`));
    opening ??= log.readAll().then(project);
    // A failed open may be retried by the next call.
    opening.catch(() => {
      opening = undefined;
    });
    return opening;
  };

  /**
   * Decide → append → apply, under the queue. The answer is given only once its events are in the log;
   * `finish` shapes it from the state after they applied (a restock reports the counters it produced).
   */
  const command = <T, R = T>(
    decide: (state: Projection, at: number) => Decision<T>,
    finish: (result: T, state: Projection) => R = (result) => result as unknown as R,
  ): Promise<R> =>
    queue.run(async () => {
      const state = await open();
      if (broken !== undefined) {
        throw new LimitedCartError('INFRASTRUCTURE', `${name} lost a write; reopen it`, { cause: broken });
      }
      const { result, events } = decide(state, now());
      if (events.length > 0) {
        try {
          await log.append(events);
        } catch (error) {
          broken = error;
          throw new LimitedCartError('INFRASTRUCTURE', `${name} could not append to its ledger`, { cause: error });
        }
        for (const event of events) state.evolve(event);
      }
      return finish(result, state);
    });

  return {
    async reserve(request) {
      validateReserve(request);
      return command((state, at) => decideReserve(state, request, at));
    },

    async commit(orderId) {
      requireId(orderId, 'orderId');
      return command((state, at) => decideCommit(state, orderId, at));
    },

    async release(orderId) {
      requireId(orderId, 'orderId');
      return command((state, at) => decideRelease(state, orderId, at));
    },

    async restock(sku, qty, opId) {
      requireId(sku, 'sku');
      requireId(opId, 'opId');
      requirePositiveInteger(qty, 'qty');
      return command(
        (state, at) => decideRestock(state, sku, qty, opId, at),
        ({ applied }, state) => ({ applied, snapshot: restockSnapshot(state, sku) }),
      );
    },

    // Reads need no queue: each command applies its events synchronously, so a read between two commands
    // sees the ledger exactly as of the last one.
    async snapshot(sku): Promise<StockSnapshot | null> {
      return (await open()).snapshot(sku);
    },

    async holdState(orderId): Promise<HoldState | null> {
      return (await open()).holds.get(orderId)?.state ?? null;
    },

    async extendHold(orderId, graceMs) {
      requireId(orderId, 'orderId');
      requirePositiveInteger(graceMs, 'graceMs');
      return command((state, at) => decideExtend(state, orderId, graceMs, at, at));
    },

    async expire() {
      return command((state, at) => decideExpire(state, at, at));
    },

    async audit() {
      // One queue task: no command may append between reading the live state and re-reading the log.
      const { live, replayed } = await queue.run(async () => ({ live: await open(), replayed: project(await log.readAll()) }));
      const skus = new Set([...live.skus.keys(), ...replayed.skus.keys()]);
      const mismatches = [...skus].filter(
        (sku) => JSON.stringify(live.snapshot(sku)) !== JSON.stringify(replayed.snapshot(sku)),
      );
      return { skus: skus.size, mismatches };
    },

    async open() {
      await open();
    },

    async close() {
      if (closed) return;
      closed = true;
      await queue.drain();
      await log.close();
    },

    async health(): Promise<HealthReport> {
      if (closed) return { name, ok: false, detail: 'closed' };
      if (broken !== undefined) return { name, ok: false, detail: 'a ledger append failed; reopen the gate' };
      try {
        const state = await open();
        return { name, ok: true, detail: `${state.skus.size} SKUs, ${state.openHolds.size} open holds` };
      } catch (error) {
        return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
