import { type HealthReport, type HoldExtension, type HoldState, type HoldTransition, LimitedCartError, type ReserveRejection, type ReserveRequest, type ReserveResult, type RestockResult, type StockGate, type StockSnapshot } from '@limitedcart/core';
import { defineLuaScript } from './lua-script.js';
import { commitLua, expireLua, extendLua, rebuildLua, releaseLua, reserveLua, restockLua } from './lua/stock-gate.js';
import { closeClient, infrastructureError, type RedisAdapterOptions, resolveClient, validateKeyPrefix } from './options.js';
import type { GateHold, SkuStockState } from './sku-state.js';
import { holdScriptKeys, stockKeys } from './stock-keys.js';
import { requirePositiveInteger, requireText, validateReserveRequest } from './stock-validation.js';

export type RedisStockGateOptions = RedisAdapterOptions & {
  /** Holds released per script call during `expire`; bounds how long one call occupies Redis. Default 500. */
  readonly expireBatchSize?: number;
};

/**
 * The Redis stock gate plus what a reconciler needs to compare it with a ledger and rebuild it.
 */
export interface RedisStockGate extends StockGate {
  /** Every hold the gate records for the SKU (HELD, COMMITTED and RELEASED). */
  holds(sku: string): Promise<GateHold[]>;
  /** The SKUs the gate has seen restocked (the set `expire` sweeps). */
  skus(): Promise<string[]>;
  /** Atomically replaces the SKU's counters, holds and restock op ids with `state` (a ledger's truth). */
  rebuild(sku: string, state: SkuStockState): Promise<void>;
  health(): Promise<HealthReport>;
  /** Closes the client if the gate created it from a URL. */
  close(): Promise<void>;
}

type TransitionReply = ['CHANGED'] | ['UNCHANGED'] | ['UNKNOWN'] | ['BLOCKED', HoldState];
type ReserveReply = ['HELD'] | ['EXISTING', HoldState] | ['REJECTED', ReserveRejection];
type RestockReply = [number, number, number, number, number];
type ExtendReply = ['EXTENDED' | 'KEPT', string] | ['LAPSED'] | ['UNKNOWN'] | ['BLOCKED', HoldState];

interface StoredHold {
  readonly s: HoldState;
  readonly q: number;
  readonly c: string;
  readonly u: string;
}

const toTransition = (reply: TransitionReply): HoldTransition => {
  switch (reply[0]) {
    case 'CHANGED':
      return { ok: true, changed: true };
    case 'UNCHANGED':
      return { ok: true, changed: false };
    case 'UNKNOWN':
      return { ok: false, state: 'UNKNOWN' };
    case 'BLOCKED':
      return { ok: false, state: reply[1] };
  }
};

/**
 * Creates a stock gate whose every operation is one Lua script on the SKU's hash-tagged keys: check-and-hold,
 * the per-customer limit and the order's idempotency are decided in the same atomic step.
 */
export function createRedisStockGate(options: RedisStockGateOptions): RedisStockGate {
  const prefix = validateKeyPrefix(options.keyPrefix);
  const client = resolveClient(options);
  const { redis } = client;
  const keys = stockKeys(prefix);
  const expireBatch = options.expireBatchSize ?? 500;
  const scripts = {
    reserve: defineLuaScript(redis, 'gate_reserve', reserveLua),
    commit: defineLuaScript(redis, 'gate_commit', commitLua),
    release: defineLuaScript(redis, 'gate_release', releaseLua),
    expire: defineLuaScript(redis, 'gate_expire', expireLua),
    extend: defineLuaScript(redis, 'gate_extend_hold', extendLua),
    restock: defineLuaScript(redis, 'gate_restock', restockLua),
    rebuild: defineLuaScript(redis, 'gate_rebuild', rebuildLua),
  };

  const run = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof LimitedCartError) throw error;
      throw infrastructureError(operation, error);
    }
  };

  const skuOf = async (orderId: string): Promise<string | null> => redis.get(keys.orderSku(orderId));

  const transition = (operation: 'commit' | 'release', orderId: string) =>
    run(operation, async () => {
      requireText('orderId', orderId);
      const sku = await skuOf(orderId);
      if (sku === null) return { ok: false, state: 'UNKNOWN' } as const;
      const reply = (await scripts[operation](holdScriptKeys(keys.sku(sku)), [orderId])) as TransitionReply;
      return toTransition(reply);
    });

  /**
   * Points the order at its SKU. NX keeps the first SKU an order id was used with; reusing an order id for a
   * second SKU is a caller defect, so the hold just taken is undone and the call fails.
   */
  const indexOrder = async (request: ReserveRequest, tookHold: boolean): Promise<void> => {
    const previous = await redis.set(keys.orderSku(request.orderId), request.sku, 'NX', 'GET');
    if (previous === null || previous === request.sku) return;
    if (tookHold) await scripts.release(holdScriptKeys(keys.sku(request.sku)), [request.orderId]);
    throw new LimitedCartError('CONFLICT', `order ${request.orderId} already holds stock of another SKU`, {
      details: { orderId: request.orderId, sku: request.sku, heldSku: previous },
    });
  };

  const snapshot = async (sku: string): Promise<StockSnapshot | null> => {
    const [available, held, sold, restocked] = await redis.hmget(keys.sku(sku).stock, 'available', 'held', 'sold', 'restocked');
    if (restocked === null || restocked === undefined) return null;
    return { sku, available: Number(available), held: Number(held ?? 0), sold: Number(sold ?? 0), restockedTotal: Number(restocked) };
  };

  const expireSku = async (sku: string): Promise<string[]> => {
    const released: string[] = [];
    for (;;) {
      const [handled, batch] = (await scripts.expire(holdScriptKeys(keys.sku(sku)), [expireBatch])) as [number, string[]];
      released.push(...batch);
      if (handled < expireBatch) return released;
    }
  };

  return {
    reserve: (request) =>
      run('reserve', async (): Promise<ReserveResult> => {
        validateReserveRequest(request);
        const reply = (await scripts.reserve(holdScriptKeys(keys.sku(request.sku)), [
          request.orderId,
          request.qty,
          request.customerId,
          request.limitPerCustomer,
          request.holdUntil.getTime(),
        ])) as ReserveReply;
        if (reply[0] === 'REJECTED') return { ok: false, reason: reply[1] };
        await indexOrder(request, reply[0] === 'HELD');
        return { ok: true };
      }),

    commit: (orderId) => transition('commit', orderId),
    release: (orderId) => transition('release', orderId),

    restock: (sku, qty, opId) =>
      run('restock', async (): Promise<RestockResult> => {
        requireText('sku', sku);
        requirePositiveInteger('qty', qty);
        requireText('opId', opId);
        // Op ids are global, like the ledger's: replaying one against another SKU changes nothing. The owner
        // is recorded before the script, and the SKU's own op set makes a retry after a crash in between apply.
        const owner = await redis.set(keys.restockOp(opId), sku, 'NX', 'GET');
        if (owner !== null && owner !== sku) {
          return { applied: false, snapshot: (await snapshot(sku)) ?? { sku, available: 0, held: 0, sold: 0, restockedTotal: 0 } };
        }
        // Registered before the stock exists: `expire` must never miss a SKU that can have holds.
        await redis.sadd(keys.skus, sku);
        const skuKeys = keys.sku(sku);
        const [applied, available, held, sold, restocked] = (await scripts.restock([skuKeys.stock, skuKeys.restocks], [qty, opId])) as RestockReply;
        return { applied: applied === 1, snapshot: { sku, available, held, sold, restockedTotal: restocked } };
      }),

    snapshot: (sku) =>
      run('snapshot', async () => {
        requireText('sku', sku);
        return snapshot(sku);
      }),

    expire: () =>
      run('expire', async () => {
        const skus = await redis.smembers(keys.skus);
        const released = await Promise.all(skus.map((sku) => expireSku(sku)));
        return released.flat();
      }),

    extendHold: (orderId, graceMs) =>
      run('extendHold', async (): Promise<HoldExtension> => {
        requireText('orderId', orderId);
        requirePositiveInteger('graceMs', graceMs);
        const sku = await skuOf(orderId);
        if (sku === null) return { ok: false, state: 'UNKNOWN' };
        const reply = (await scripts.extend(holdScriptKeys(keys.sku(sku)), [orderId, graceMs])) as ExtendReply;
        switch (reply[0]) {
          case 'EXTENDED':
          case 'KEPT':
            return { ok: true, holdUntil: new Date(Number(reply[1])), extended: reply[0] === 'EXTENDED' };
          case 'BLOCKED':
            return { ok: false, state: reply[1] === 'HELD' ? 'UNKNOWN' : reply[1] };
          default:
            return { ok: false, state: reply[0] };
        }
      }),

    holdState: (orderId) =>
      run('holdState', async () => {
        requireText('orderId', orderId);
        const sku = await skuOf(orderId);
        if (sku === null) return null;
        const raw = await redis.hget(keys.sku(sku).holds, orderId);
        return raw === null ? null : (JSON.parse(raw) as StoredHold).s;
      }),

    holds: (sku) =>
      run('holds', async () => {
        const entries = await redis.hgetall(keys.sku(requireText('sku', sku)).holds);
        return Object.entries(entries).map(([orderId, raw]) => {
          const hold = JSON.parse(raw) as StoredHold;
          return { orderId, customerId: hold.c, qty: hold.q, state: hold.s, holdUntil: new Date(Number(hold.u)) };
        });
      }),

    skus: () => run('skus', () => redis.smembers(keys.skus)),

    rebuild: (sku, state) =>
      run('rebuild', async () => {
        requireText('sku', sku);
        const skuKeys = keys.sku(sku);
        const { snapshot: counts, holds } = state;
        const values = [counts.available, counts.held, counts.sold, counts.restockedTotal];
        if (!values.every((value) => Number.isSafeInteger(value) && value >= 0) || counts.available + counts.held + counts.sold !== counts.restockedTotal) {
          throw new LimitedCartError('VALIDATION', `rebuild of ${sku}: counters break restockedTotal = available + held + sold`, {
            details: { ...counts },
          });
        }
        const encodedHolds = holds.map((hold) => ({
          orderId: hold.orderId,
          s: hold.state,
          q: hold.qty,
          c: hold.customerId,
          u: String(hold.holdUntil.getTime()),
        }));
        await redis.sadd(keys.skus, sku);
        await scripts.rebuild(
          [skuKeys.stock, skuKeys.holds, skuKeys.expiry, skuKeys.customers, skuKeys.restocks],
          [
            counts.available,
            counts.held,
            counts.sold,
            counts.restockedTotal,
            JSON.stringify(encodedHolds),
            JSON.stringify(state.restockOpIds ?? []),
          ],
        );
        // One command per index key, not a MULTI/pipeline: in a Cluster these keys live on many slots.
        await Promise.all([
          ...holds.map((hold) => redis.set(keys.orderSku(hold.orderId), sku)),
          ...(state.restockOpIds ?? []).map((opId) => redis.set(keys.restockOp(opId), sku)),
        ]);
      }),

    health: async () => {
      try {
        await redis.ping();
        return { name: 'redis-stock-gate', ok: true };
      } catch (error) {
        return { name: 'redis-stock-gate', ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },

    close: () => closeClient(client),
  };
}
