import { isLimitedCartError, LimitedCartError, notFound, validationError } from '../domain/errors.js';
import { nameBasedId, newId } from '../domain/ids.js';
import { MAX_MONEY_AMOUNT, multiply } from '../domain/money.js';
import type { NewOrder, Order } from '../domain/order.js';
import { DEFAULT_ENGINE_CONFIG, type OrderRateLimits } from '../engine/config.js';
import { orderPlacedEvent } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { PricedProduct } from '../ports/small-ports.js';
import { toPricedProduct } from '../ports/small-ports.js';
import type { AdmissionCheck, AdmissionRefusal } from '../queue/admission-check.js';
import { type KeyUse, requestHash, requireIdempotencyKey, runOncePerKey, storedResult } from './idempotency.js';
import { requireInteger, requireObject, requireString } from './validate.js';

export interface PlaceOrderInput {
  readonly customerId: string;
  readonly productId: string;
  /** Positive integer. */
  readonly quantity: number;
  /**
   * The caller's Idempotency-Key: a retry under the same key gets the first attempt's order (`replayed: true`)
   * instead of a second one; the same key with another request is `IDEMPOTENCY_MISMATCH`, a key whose first request
   * still runs `IDEMPOTENCY_IN_FLIGHT`. A rejected attempt frees its key.
   */
  readonly idempotencyKey?: string;
  /** The client's network address, counted against `orderRateLimits.perAddressPerMinute` when given. */
  readonly clientAddress?: string;
  /** The admission token of a queued drop (`queue.admitted`, `GET /queue/me`); required for a product with a queue. */
  readonly admissionToken?: string;
}

export type PlaceOrderRejection = 'NOT_ON_SALE' | 'SOLD_OUT' | 'LIMIT_EXCEEDED' | AdmissionRefusal;

export type PlaceOrderResult =
  | {
      readonly ok: true;
      /** The order as accepted (PENDING; a replay gives the order as it was accepted, not as it is now). */
      readonly order: Order;
      /** true when this is an earlier attempt's order, replayed under its Idempotency-Key. */
      readonly replayed: boolean;
    }
  | { readonly ok: false; readonly reason: PlaceOrderRejection }
  /** Too many attempts by this customer or from this address; nothing was claimed or written. */
  | { readonly ok: false; readonly reason: 'RATE_LIMITED'; readonly retryAfterMs: number };

export interface PlaceOrderSettings {
  /** How long the stock is held for payment. */
  readonly paymentWindowMs: number;
  readonly rateLimits: OrderRateLimits;
  /** When an Idempotency-Key's in-flight claim counts as left by a dead request (engine `staleClaimMs`). */
  readonly staleClaimMs: number;
  /** Units one customer may hold + buy of one SKU whatever the product's limit; 0: no cap (engine `unitCapPerCustomer`). */
  readonly unitCapPerCustomer: number;
}

export type PlaceOrderDeps = Pick<
  CorePorts,
  'priceCache' | 'products' | 'orders' | 'stockGate' | 'unitOfWork' | 'idempotency' | 'rateLimiter' | 'clock' | 'logger'
> & {
  readonly settings?: Partial<PlaceOrderSettings>;
  /** The waiting room's check; without it no product requires an admission. */
  readonly admission?: AdmissionCheck;
};

const DEFAULT_SETTINGS: PlaceOrderSettings = {
  paymentWindowMs: DEFAULT_ENGINE_CONFIG.paymentWindowMs,
  rateLimits: DEFAULT_ENGINE_CONFIG.orderRateLimits,
  staleClaimMs: DEFAULT_ENGINE_CONFIG.staleClaimMs,
  unitCapPerCustomer: DEFAULT_ENGINE_CONFIG.unitCapPerCustomer,
};

/**
 * The limit the gate counts for one customer: the product's own (0: none) and the engine's cap, whichever is
 * stricter. Applied through the gate's `limitPerCustomer`, it is counted in the same atomic step as the hold (one Lua
 * script, one conditional update), so concurrent orders of one customer cannot race past it.
 */
export function customerLimit(productLimit: number, cap: number): number {
  if (cap === 0) return productLimit;
  return productLimit === 0 ? cap : Math.min(productLimit, cap);
}

const limitOf = (deps: PlaceOrderDeps, product: PricedProduct): number =>
  customerLimit(product.maxQuantityPerCustomer, deps.settings?.unitCapPerCustomer ?? DEFAULT_SETTINGS.unitCapPerCustomer);

/** One order may not ask for more than this; far above any real drop limit, it keeps totals safe integers. */
const MAX_QUANTITY = 10_000;
const MINUTE = 60_000;

/**
 * Places an order: holds stock at the gate, then writes the PENDING order and its `order.placed` event in one
 * transaction (the event starts the saga; the order is durable before anyone is told it was accepted). The gate
 * comes first because it is the contended resource and answers in one atomic step; if the database write then
 * fails, the hold is released so no stock leaks.
 *
 * The steps are ordered by cost, because during a drop nearly every attempt is refused: what is known without any
 * write (not on sale, over the limit, a SKU the gate just saw sold out) is answered first, at the price of a cache
 * read; then the attempt is counted against the rate limits; only then is the Idempotency-Key claimed and the stock
 * reserved.
 *
 * Unknown product → throws NOT_FOUND; business rejections are typed results.
 */
export async function placeOrder(deps: PlaceOrderDeps, input: PlaceOrderInput): Promise<PlaceOrderResult> {
  const request = validInput(input);
  const { customerId, productId, quantity } = request;
  const use: Omit<KeyUse, 'hash'> | null =
    request.idempotencyKey === undefined ? null : { scope: `orders.place:${customerId}`, key: request.idempotencyKey };
  const hashed = (): KeyUse | null => use && { ...use, hash: requestHash({ productId, quantity }) };

  const product = await pricedProduct(deps, productId);
  requireBoundedTotal(product, quantity);
  const now = deps.clock.now();
  const known = knownRejection(deps, product, request, now);
  if (known !== null) {
    // An earlier attempt under this key may have been accepted before the product sold out: its order wins. (The
    // request is hashed only then: most refused attempts carry a fresh key.)
    const record = use && (await deps.idempotency.find(use.scope, use.key));
    if (record) return replay(storedResult(record, hashed()!));
    return { ok: false, reason: known };
  }

  // After what is known for free, before the gate: an attempt without a valid admission never reaches the stock.
  const admission = await deps.admission?.check({ customerId, productId, ...(input.admissionToken === undefined ? {} : { admissionToken: input.admissionToken }) });
  if (admission) return { ok: false, reason: admission };

  const limited = await rateLimited(deps, request);
  if (limited !== null) return limited;

  const keyUse = hashed();
  if (keyUse === null) return reserveAndWrite(deps, product, request, now, newId());
  // The first attempt under a key places the order under an id derived from the key, so a retry can find an order
  // its dead predecessor committed without ever storing the answer. After such a takeover found nothing, the retry
  // places its own order under a fresh id: the dead attempt's hold, if it took one, lapses with its holdUntil.
  const firstOrderId = nameBasedId(`${keyUse.scope}\u0000${keyUse.key}`);
  let orderId = firstOrderId;
  const { value } = await runOncePerKey(
    deps.idempotency,
    keyUse,
    async () => {
      const result = await reserveAndWrite(deps, product, request, now, orderId);
      // A rejection changed nothing: the key is freed, so a retry (after a restock, say) is decided anew.
      return { value: result, remember: result.ok };
    },
    {
      staleAfterMs: deps.settings?.staleClaimMs ?? DEFAULT_SETTINGS.staleClaimMs,
      revive: replay,
      recover: async (): Promise<PlaceOrderResult | null> => {
        const placed = await deps.orders.get(firstOrderId);
        if (placed === null) orderId = newId();
        return placed && sameRequest(placed, request) ? { ok: true, order: placed, replayed: true } : null;
      },
    },
  );
  return value;
}

/** Whether an order is what this request would place: a key reused for another request never replays it. */
const sameRequest = (order: Order, request: PlaceOrderInput): boolean =>
  order.customerId === request.customerId && order.productId === request.productId && order.quantity === request.quantity;

function validInput(input: PlaceOrderInput): PlaceOrderInput {
  const request = requireObject(input, 'input');
  return {
    customerId: requireString(request.customerId, 'customerId', { maxLength: 200 }),
    productId: requireString(request.productId, 'productId', { maxLength: 200 }),
    quantity: requireInteger(request.quantity, 'quantity', { min: 1, max: MAX_QUANTITY }),
    ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: requireIdempotencyKey(request.idempotencyKey) }),
    ...(request.clientAddress === undefined
      ? {}
      : { clientAddress: requireString(request.clientAddress, 'clientAddress', { maxLength: 100 }) }),
  };
}

/**
 * Refuses an order whose total (`quantity × price`) would exceed MAX_MONEY_AMOUNT: it would be charged as an amount
 * no payment, response or gateway accepts. An invalid request rather than a business outcome, like a quantity out of
 * range; the error says how many units the price allows.
 */
function requireBoundedTotal(product: PricedProduct, quantity: number): void {
  if (product.price.amount * quantity <= MAX_MONEY_AMOUNT) return;
  const maxQuantity = Math.floor(MAX_MONEY_AMOUNT / Math.max(1, product.price.amount));
  throw validationError(`the order total would exceed ${MAX_MONEY_AMOUNT} minor units; at most ${maxQuantity} units at this price`, {
    field: 'quantity',
    maxQuantity,
  });
}

/**
 * The rejection known without changing anything: the product is not on sale (inactive or before `saleStartsAt`),
 * the quantity is over its limit, or the stock gate already knows the SKU is sold out for this request.
 */
function knownRejection(deps: PlaceOrderDeps, product: PricedProduct, request: PlaceOrderInput, now: Date): PlaceOrderRejection | null {
  // new Date(): a cache that serialises entries may hand the date back as a string.
  if (!product.active || (product.saleStartsAt !== null && new Date(product.saleStartsAt) > now)) return 'NOT_ON_SALE';
  const limit = limitOf(deps, product);
  if (limit > 0 && request.quantity > limit) return 'LIMIT_EXCEEDED';
  const probe = { sku: product.sku, qty: request.quantity, customerId: request.customerId, limitPerCustomer: limit };
  return deps.stockGate.knownRejection?.(probe) ?? null;
}

/** Counts the attempt against the customer's and the address's limits, in one round trip to a shared limiter. */
const LIMITER_WARNING_INTERVAL_MS = 10_000;
let limiterWarnedAt = 0;

async function rateLimited(deps: PlaceOrderDeps, request: PlaceOrderInput): Promise<PlaceOrderResult | null> {
  const { perCustomerPerMinute, perAddressPerMinute } = deps.settings?.rateLimits ?? DEFAULT_SETTINGS.rateLimits;
  const hits = [
    perCustomerPerMinute > 0 ? deps.rateLimiter.hit(`orders:customer:${request.customerId}`, perCustomerPerMinute, MINUTE) : null,
    perAddressPerMinute > 0 && request.clientAddress !== undefined
      ? deps.rateLimiter.hit(`orders:address:${request.clientAddress}`, perAddressPerMinute, MINUTE)
      : null,
  ];
  // A limiter that cannot be reached lets the attempt through: abuse limits are not worth refusing every shopper
  // for while the limiter's store (Redis) is down; the stock gate still decides every unit.
  const decisions = await Promise.all(
    hits.map((hit) =>
      hit?.catch((error: unknown) => {
        // Once per burst: during an outage every attempt would say the same.
        if (Date.now() - limiterWarnedAt > LIMITER_WARNING_INTERVAL_MS) {
          limiterWarnedAt = Date.now();
          deps.logger.warn('rate limiter unreachable; attempts are let through', { error });
        }
        return null;
      }),
    ),
  );
  const refused = decisions.find((decision) => decision !== null && decision !== undefined && !decision.allowed);
  return refused ? { ok: false, reason: 'RATE_LIMITED', retryAfterMs: refused.resetMs } : null;
}

async function reserveAndWrite(
  deps: PlaceOrderDeps,
  product: PricedProduct,
  request: PlaceOrderInput,
  now: Date,
  orderId: string,
): Promise<PlaceOrderResult> {
  const { customerId, productId, quantity } = request;
  const holdUntil = new Date(now.getTime() + (deps.settings?.paymentWindowMs ?? DEFAULT_SETTINGS.paymentWindowMs));
  const reservation = await deps.stockGate.reserve({
    sku: product.sku,
    qty: quantity,
    orderId,
    customerId,
    limitPerCustomer: limitOf(deps, product),
    holdUntil,
  });
  if (!reservation.ok) return { ok: false, reason: reservation.reason };

  const placed: NewOrder = {
    id: orderId,
    customerId,
    productId,
    sku: product.sku,
    quantity,
    unitPrice: product.price,
    total: multiply(product.price, quantity),
    holdUntil,
  };
  try {
    return { ok: true, order: await deps.unitOfWork.createOrder(placed, [orderPlacedEvent(placed, now)]), replayed: false };
  } catch (error) {
    // The id is taken: an order placed under this Idempotency-Key before its record was dropped. Its hold is its own,
    // so nothing is released; the same request gets that order again, another request is refused.
    if (isLimitedCartError(error, 'CONFLICT')) {
      const existing = await deps.orders.get(orderId);
      if (existing && sameRequest(existing, request)) return { ok: true, order: existing, replayed: true };
      throw new LimitedCartError('IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was used with a different request');
    }
    await releaseAfterFailedWrite(deps, orderId, error);
    throw error;
  }
}

/** An accepted result stored under its key, with the dates JSON turned into strings restored. */
function replay(stored: unknown): PlaceOrderResult {
  const { order } = stored as { order: Order };
  return {
    ok: true,
    replayed: true,
    order: { ...order, holdUntil: new Date(order.holdUntil), createdAt: new Date(order.createdAt), updatedAt: new Date(order.updatedAt) },
  };
}

/**
 * The cache answers the hot path; a miss reads the catalogue once and fills the cache for the next buyer.
 * A failing cache degrades to the catalogue (slower, still correct) instead of failing the order.
 */
async function pricedProduct(deps: PlaceOrderDeps, productId: string): Promise<PricedProduct> {
  const cached = await deps.priceCache.get(productId).catch((error: unknown) => {
    deps.logger.warn('price cache read failed; reading the catalogue', { productId, error });
    return null;
  });
  if (cached !== null) return cached;
  const product = await deps.products.get(productId);
  if (product === null) throw notFound('product', productId);
  const priced = toPricedProduct(product);
  await deps.priceCache.set(priced).catch((error: unknown) => {
    deps.logger.warn('price cache fill failed', { productId, error });
  });
  return priced;
}

async function releaseAfterFailedWrite(deps: PlaceOrderDeps, orderId: string, writeError: unknown): Promise<void> {
  try {
    await deps.stockGate.release(orderId);
  } catch (releaseError) {
    // The hold still lapses at holdUntil through the expiry sweep; the write error is the one to report.
    deps.logger.error('releasing the hold of an unwritten order failed', { orderId, writeError, releaseError });
  }
}
