import type { CurrencyCode, PriceCache, PricedProduct } from '@limitedcart/core';
import { closeClient, infrastructureError, type RedisAdapterOptions, resolveClient, validateKeyPrefix } from './options.js';
import { requirePositiveInteger, requireText } from './stock-validation.js';

export type RedisPriceCacheOptions = RedisAdapterOptions & {
  /** Lifetime of an entry; a miss sends the order path back to the catalogue store. Default 300 s. */
  readonly ttlSeconds?: number;
};

export interface RedisPriceCache extends PriceCache {
  close(): Promise<void>;
}

/** The JSON stored per product: dates as ISO strings. */
interface StoredPrice {
  readonly productId: string;
  readonly sku: string;
  readonly price: { readonly amount: number; readonly currency: CurrencyCode };
  readonly maxQuantityPerCustomer: number;
  readonly active: boolean;
  readonly saleStartsAt: string | null;
}

const encode = (entry: PricedProduct): string =>
  JSON.stringify({
    productId: entry.productId,
    sku: entry.sku,
    price: { amount: entry.price.amount, currency: entry.price.currency },
    maxQuantityPerCustomer: entry.maxQuantityPerCustomer,
    active: entry.active,
    saleStartsAt: entry.saleStartsAt === null ? null : entry.saleStartsAt.toISOString(),
  } satisfies StoredPrice);

const isStoredPrice = (value: unknown): value is StoredPrice => {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const price = entry.price as Record<string, unknown> | null | undefined;
  return (
    typeof entry.productId === 'string' &&
    typeof entry.sku === 'string' &&
    typeof price === 'object' &&
    price !== null &&
    Number.isSafeInteger(price.amount) &&
    typeof price.currency === 'string' &&
    Number.isSafeInteger(entry.maxQuantityPerCustomer) &&
    typeof entry.active === 'boolean' &&
    (entry.saleStartsAt === null || typeof entry.saleStartsAt === 'string')
  );
};

/**
 * Decodes an entry; anything unreadable (written by another version, or damaged) is a miss, so the order
 * path falls back to the catalogue store instead of failing.
 */
const decode = (raw: string): PricedProduct | null => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isStoredPrice(value)) return null;
  const saleStartsAt = value.saleStartsAt === null ? null : new Date(value.saleStartsAt);
  if (saleStartsAt !== null && Number.isNaN(saleStartsAt.getTime())) return null;
  return { ...value, price: { ...value.price }, saleStartsAt };
};

/** A price cache shared by every API replica: one JSON string per product with a TTL. */
export function createRedisPriceCache(options: RedisPriceCacheOptions): RedisPriceCache {
  const prefix = validateKeyPrefix(options.keyPrefix);
  const ttlSeconds = requirePositiveInteger('ttlSeconds', options.ttlSeconds ?? 300);
  const client = resolveClient(options);
  const { redis } = client;
  const key = (productId: string): string => `${prefix}:price:${requireText('productId', productId)}`;
  const guard = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw infrastructureError(`price cache ${operation}`, error);
    }
  };
  return {
    get: async (productId) => {
      const entryKey = key(productId);
      const raw = await guard('get', () => redis.get(entryKey));
      return raw === null ? null : decode(raw);
    },
    set: async (entry) => {
      const entryKey = key(entry.productId);
      await guard('set', () => redis.set(entryKey, encode(entry), 'EX', ttlSeconds));
    },
    delete: async (productId) => {
      const entryKey = key(productId);
      await guard('delete', () => redis.del(entryKey));
    },
    close: () => closeClient(client),
  };
}
