import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { multiply } from '../domain/money.js';
import type { NewOrder, Order } from '../domain/order.js';
import { orderPlacedEvent } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { PricedProduct } from '../ports/small-ports.js';
import { toPricedProduct } from '../ports/small-ports.js';
import type { SagaHeadStart } from './saga-head-start.js';
import { requireInteger, requireObject, requireString } from './validate.js';

export interface PlaceOrderInput {
  readonly customerId: string;
  readonly productId: string;
  /** Positive integer. */
  readonly quantity: number;
}

export type PlaceOrderRejection = 'NOT_ON_SALE' | 'SOLD_OUT' | 'LIMIT_EXCEEDED';

export type PlaceOrderResult =
  | { readonly ok: true; readonly order: Order }
  | { readonly ok: false; readonly reason: PlaceOrderRejection };

export interface PlaceOrderSettings {
  /** How long the stock is held for payment. */
  readonly paymentWindowMs: number;
  /** Start the saga right after commit (latency); the `order.placed` subscriber starts it regardless. */
  readonly startSagaInline: boolean;
  /** When not inline: a background head start (see `createSagaHeadStart`); the subscriber starts it regardless. */
  readonly headStart?: SagaHeadStart;
}

export const DEFAULT_PLACE_ORDER_SETTINGS: PlaceOrderSettings = { paymentWindowMs: 10 * 60_000, startSagaInline: true };

export type PlaceOrderDeps = Pick<
  CorePorts,
  'priceCache' | 'products' | 'stockGate' | 'unitOfWork' | 'sagaRunner' | 'clock' | 'logger'
> & { readonly settings?: Partial<PlaceOrderSettings> };

/** One order may not ask for more than this; far above any real drop limit, it keeps totals safe integers. */
const MAX_QUANTITY = 10_000;

/**
 * Places an order: holds stock at the gate, then writes the PENDING order and its `order.placed` event in
 * one transaction. The gate comes first because it is the contended resource and answers in one atomic
 * step; if the database write then fails, the hold is released so no stock leaks.
 *
 * Unknown product → throws NOT_FOUND; business rejections are typed results.
 */
export async function placeOrder(deps: PlaceOrderDeps, input: PlaceOrderInput): Promise<PlaceOrderResult> {
  const { customerId, productId, quantity } = validInput(input);
  const settings = { ...DEFAULT_PLACE_ORDER_SETTINGS, ...deps.settings };

  const product = await pricedProduct(deps, productId);
  const now = deps.clock.now();
  const rejection = offerRejection(product, quantity, now);
  if (rejection !== null) return { ok: false, reason: rejection };
  const limit = product.maxQuantityPerCustomer;

  const orderId = newId();
  const holdUntil = new Date(now.getTime() + settings.paymentWindowMs);
  const reservation = await deps.stockGate.reserve({
    sku: product.sku,
    qty: quantity,
    orderId,
    customerId,
    limitPerCustomer: limit,
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
  let order: Order;
  try {
    order = await deps.unitOfWork.createOrder(placed, [orderPlacedEvent(placed, now)]);
  } catch (error) {
    await releaseAfterFailedWrite(deps, orderId, error);
    throw error;
  }

  if (settings.startSagaInline) await startSagaInline(deps, order);
  else settings.headStart?.(order);
  return { ok: true, order };
}

/**
 * The rejection `placeOrder` would give this input that is known without changing anything: the product is not
 * on sale, the quantity is over its limit, or the stock gate already knows the SKU is sold out for it. null means
 * only a real attempt can tell. Costs a price-cache read and no write, so a caller can answer a hopeless attempt
 * before doing its own bookkeeping (the HTTP route's Idempotency-Key claim). Same validation and NOT_FOUND as
 * `placeOrder`.
 */
export async function precheckOrder(deps: PlaceOrderDeps, input: PlaceOrderInput): Promise<PlaceOrderRejection | null> {
  const { customerId, productId, quantity } = validInput(input);
  const product = await pricedProduct(deps, productId);
  const rejection = offerRejection(product, quantity, deps.clock.now());
  if (rejection !== null) return rejection;
  const probe = { sku: product.sku, qty: quantity, customerId, limitPerCustomer: product.maxQuantityPerCustomer };
  return deps.stockGate.knownRejection?.(probe) ?? null;
}

function validInput(input: PlaceOrderInput): PlaceOrderInput {
  const request = requireObject(input, 'input');
  return {
    customerId: requireString(request.customerId, 'customerId', { maxLength: 200 }),
    productId: requireString(request.productId, 'productId', { maxLength: 200 }),
    quantity: requireInteger(request.quantity, 'quantity', { min: 1, max: MAX_QUANTITY }),
  };
}

/** The product's own reasons to refuse: not on sale (inactive or before `saleStartsAt`), or over its limit. */
function offerRejection(product: PricedProduct, quantity: number, now: Date): PlaceOrderRejection | null {
  // new Date(): a cache that serialises entries may hand the date back as a string.
  if (!product.active || (product.saleStartsAt !== null && new Date(product.saleStartsAt) > now)) return 'NOT_ON_SALE';
  const limit = product.maxQuantityPerCustomer;
  if (limit > 0 && quantity > limit) return 'LIMIT_EXCEEDED';
  return null;
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

/**
 * A lost start here is harmless: the `order.placed` event is already committed and its subscriber starts the
 * saga (idempotently). So a failure is logged, not raised: the order itself was placed.
 */
async function startSagaInline(deps: PlaceOrderDeps, order: Order): Promise<void> {
  try {
    await deps.sagaRunner.start({ orderId: order.id, paymentDeadline: order.holdUntil.toISOString() });
  } catch (error) {
    deps.logger.warn('inline saga start failed; the order.placed subscriber will start it', {
      orderId: order.id,
      error,
    });
  }
}
