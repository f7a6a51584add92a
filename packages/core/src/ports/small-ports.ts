import type { Money } from '../domain/money.js';
import type { Product } from '../domain/product.js';

export interface Clock {
  now(): Date;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** What the order path needs of a product, served from a cache rather than the catalogue store. */
export interface PricedProduct {
  readonly productId: string;
  readonly sku: string;
  readonly price: Money;
  readonly maxQuantityPerCustomer: number;
  readonly active: boolean;
  readonly saleStartsAt: Date | null;
}

export interface PriceCache {
  get(productId: string): Promise<PricedProduct | null>;
  set(entry: PricedProduct): Promise<void>;
  delete(productId: string): Promise<void>;
}

export const toPricedProduct = (product: Product): PricedProduct => ({
  productId: product.id,
  sku: product.sku,
  price: product.price,
  maxQuantityPerCustomer: product.maxQuantityPerCustomer,
  active: product.active && !product.archived,
  saleStartsAt: product.saleStartsAt,
});

export interface CardDetails {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc: string;
  readonly holder: string;
}

export type ChargeResult =
  | { readonly outcome: 'succeeded'; readonly reference: string }
  | { readonly outcome: 'declined'; readonly reason: string }
  /** The gateway itself failed (timeout, 5xx): retryable, not a decline. */
  | { readonly outcome: 'error'; readonly reason: string };

export interface PaymentGateway {
  charge(request: { readonly paymentId: string; readonly amount: Money; readonly card: CardDetails }): Promise<ChargeResult>;
  /** Idempotent per paymentId. */
  refund(request: { readonly paymentId: string; readonly reference: string; readonly amount: Money }): Promise<void>;
}

export interface SearchHit {
  readonly productId: string;
  readonly score: number;
}

export interface SearchIndex {
  /** Adds or replaces the product; inactive/archived products are removed. */
  upsert(product: Product): Promise<void>;
  remove(productId: string): Promise<void>;
  /** Typo-tolerant search; any user string is a valid query. */
  search(query: string, limit: number): Promise<readonly SearchHit[]>;
}
