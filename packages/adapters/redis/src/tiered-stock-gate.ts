import {
  type HoldState,
  type HoldTransition,
  isLimitedCartError,
  LimitedCartError,
  type Logger,
  type ReserveRequest,
  type ReserveResult,
  type RestockResult,
  type StockGate,
} from '@limitedcart/core';

/** A disagreement between the admit tier and the ledger, seen on the order path. */
export interface DriftSignal {
  readonly reason: string;
  readonly sku?: string;
  readonly orderId?: string;
}

export interface TieredStockGateOptions {
  /** The fast gate every attempt meets first (the Redis gate). */
  readonly admit: StockGate;
  /** The source of truth (the Postgres gate): an admitted attempt holds only once the ledger confirms it. */
  readonly ledger: StockGate;
  readonly logger: Logger;
  /**
   * Called when the tiers are seen to disagree (the admit tier lost its data, a mirror write failed). A good
   * reaction is scheduling `reconciler.repair([sku])`. Must not throw.
   */
  readonly onDrift?: (signal: DriftSignal) => void;
  /**
   * What a reservation does while the admit tier cannot be reached: `fail` (default) refuses it with the admit
   * tier's INFRASTRUCTURE error, at once, so the flood of a drop is never redirected onto the ledger; `ledger` lets
   * the ledger decide alone (slower, still exact) and reports drift so the reconciler brings the admit tier back.
   */
  readonly whenAdmitDown?: 'fail' | 'ledger';
}

export interface TieredStockGate extends StockGate {
  readonly admit: StockGate;
  readonly ledger: StockGate;
}

const DRIFT_LOG_INTERVAL_MS = 10_000;
/** How much longer an extended hold lasts in the admit tier than in the ledger (their clocks differ slightly). */
const ADMIT_EXTENSION_SLACK_MS = 5_000;

/** The ledger state a transition result implies, to mirror onto the admit tier. */
const impliedState = (requested: 'COMMITTED' | 'RELEASED', result: HoldTransition): HoldState | 'UNKNOWN' =>
  result.ok ? requested : result.state;

/**
 * Redis admits, Postgres confirms.
 *
 * - reserve: the admit tier answers first, so a sold-out or over-limit attempt never reaches the ledger. An
 *   admitted attempt is then reserved in the ledger; if the ledger rejects it or fails, the admit hold is
 *   released (and a failure rethrown). When the admit tier does not know the SKU at all (never restocked, or
 *   Redis lost its data), the ledger decides alone, so a Redis restart does not stop a drop.
 * - commit / release / expire / restock: the ledger first, its answer is the result; the admit tier is then
 *   brought to the same state. A failure there is logged and signalled as drift, never surfaced: the ledger
 *   already recorded the truth, and the reconciler repairs the admit tier.
 * - extendHold: the ledger decides; an extension is mirrored onto the admit tier with a few seconds' slack, so the
 *   admit tier's own sweep never frees the units before the ledger does.
 * - snapshot / holdState: the ledger.
 *
 * If the admit tier is down, reserve fails at once (the flood is not redirected onto the ledger), unless
 * `whenAdmitDown: 'ledger'` lets the ledger decide alone meanwhile.
 */
export function createTieredStockGate(options: TieredStockGateOptions): TieredStockGate {
  const { admit, ledger } = options;
  const logger = options.logger.child({ component: 'tiered-stock-gate' });

  // During a Redis outage every reservation reports the same drift: log each (sku, reason) once per window.
  const lastLogged = new Map<string, number>();
  const drift = (signal: DriftSignal): void => {
    const key = `${signal.sku ?? ''}\u0000${signal.reason}`;
    const now = Date.now();
    if (now - (lastLogged.get(key) ?? 0) >= DRIFT_LOG_INTERVAL_MS) {
      if (lastLogged.size >= 10_000) lastLogged.clear();
      lastLogged.set(key, now);
      logger.warn('stock tiers disagree', { ...signal });
    }
    options.onDrift?.(signal);
  };

  /** Runs an admit-tier write whose failure must not change the caller's outcome. */
  const mirror = async <T>(what: string, context: Omit<DriftSignal, 'reason'>, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      logger.error('admit tier write failed', { what, ...context, error: error instanceof Error ? error.message : String(error) });
      drift({ ...context, reason: `${what} failed in the admit tier` });
      return undefined;
    }
  };

  const mirrorHold = async (orderId: string, state: HoldState | 'UNKNOWN'): Promise<void> => {
    if (state !== 'COMMITTED' && state !== 'RELEASED') return;
    const result = await mirror(state === 'COMMITTED' ? 'commit' : 'release', { orderId }, () =>
      state === 'COMMITTED' ? admit.commit(orderId) : admit.release(orderId),
    );
    if (result !== undefined && !result.ok) {
      drift({ orderId, reason: `ledger hold is ${state}, admit tier answered ${result.state}` });
    }
  };

  const undoAdmission = (request: ReserveRequest): Promise<unknown> =>
    mirror('release', { sku: request.sku, orderId: request.orderId }, () => admit.release(request.orderId));

  return {
    admit,
    ledger,

    async reserve(request): Promise<ReserveResult> {
      let admitted: ReserveResult;
      try {
        admitted = await admit.reserve(request);
      } catch (error) {
        if (options.whenAdmitDown !== 'ledger' || !isLimitedCartError(error, 'INFRASTRUCTURE')) throw error;
        const decided = await ledger.reserve(request);
        if (decided.ok) drift({ sku: request.sku, orderId: request.orderId, reason: 'reserved by the ledger alone: admit tier unreachable' });
        return decided;
      }
      if (!admitted.ok) {
        if (admitted.reason !== 'NOT_ON_SALE') return admitted;
        const confirmed = await ledger.reserve(request);
        if (confirmed.ok || confirmed.reason !== 'NOT_ON_SALE') {
          drift({ sku: request.sku, orderId: request.orderId, reason: 'admit tier does not know a SKU the ledger sells' });
        }
        return confirmed;
      }
      let confirmed: ReserveResult;
      try {
        confirmed = await ledger.reserve(request);
      } catch (error) {
        await undoAdmission(request);
        throw error;
      }
      if (!confirmed.ok) {
        await undoAdmission(request);
        drift({ sku: request.sku, orderId: request.orderId, reason: `admit tier admitted, ledger answered ${confirmed.reason}` });
      }
      return confirmed;
    },

    async commit(orderId) {
      const result = await ledger.commit(orderId);
      await mirrorHold(orderId, impliedState('COMMITTED', result));
      return result;
    },

    async release(orderId) {
      const result = await ledger.release(orderId);
      await mirrorHold(orderId, impliedState('RELEASED', result));
      return result;
    },

    async restock(sku, qty, opId): Promise<RestockResult> {
      const result = await ledger.restock(sku, qty, opId);
      const mirrored = await mirror('restock', { sku }, () => admit.restock(sku, qty, opId));
      if (mirrored !== undefined && mirrored.snapshot.restockedTotal !== result.snapshot.restockedTotal) {
        drift({
          sku,
          reason: `restocked totals differ: ledger ${result.snapshot.restockedTotal}, admit tier ${mirrored.snapshot.restockedTotal}`,
        });
      }
      return result;
    },

    async extendHold(orderId, graceMs) {
      if (ledger.extendHold === undefined) throw new LimitedCartError('INTERNAL', 'the ledger gate cannot extend holds');
      const result = await ledger.extendHold(orderId, graceMs);
      if (result.ok && result.extended && admit.extendHold !== undefined) {
        // The admit tier's own sweep must not free the units before the ledger does: it gets a little more.
        const mirrored = await mirror('extend hold', { orderId }, () => admit.extendHold!(orderId, graceMs + ADMIT_EXTENSION_SLACK_MS));
        if (mirrored !== undefined && !mirrored.ok) drift({ orderId, reason: `ledger extended the hold, admit tier answered ${mirrored.state}` });
      }
      return result;
    },

    snapshot: (sku) => ledger.snapshot(sku),
    holdState: (orderId) => ledger.holdState(orderId),

    async expire() {
      // The ledger's clock decides which holds have lapsed; the admit tier follows its releases.
      const released = await ledger.expire();
      // The admit tier's own sweep (on its own clock) also frees holds the ledger never confirmed (a process that
      // died between the two reservations); the ledger's releases are then mirrored one by one (already done:
      // unchanged).
      const sweptByAdmit = new Set((await mirror('expire', {}, () => admit.expire())) ?? []);
      for (const orderId of released) {
        if (!sweptByAdmit.has(orderId)) await mirrorHold(orderId, 'RELEASED');
      }
      return released;
    },
  };
}
