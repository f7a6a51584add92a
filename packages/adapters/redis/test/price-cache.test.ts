import { money, type PricedProduct } from '@limitedcart/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPriceCache, type RedisPriceCache } from '../src/index.js';
import { connect, deleteKeysUnder, redisUrl, uniquePrefix } from './redis-env.js';

describe.skipIf(redisUrl === undefined)('Redis price cache', () => {
  let redis: Redis;
  let cache: RedisPriceCache;
  const keyPrefix = uniquePrefix('price');
  const entry = (overrides: Partial<PricedProduct> = {}): PricedProduct => ({
    productId: 'product-1',
    sku: 'sku-1',
    price: money(12_999),
    maxQuantityPerCustomer: 2,
    active: true,
    saleStartsAt: new Date('2026-12-01T10:00:00.123Z'),
    ...overrides,
  });

  beforeAll(() => {
    redis = connect();
    cache = createRedisPriceCache({ redis, keyPrefix, ttlSeconds: 60 });
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, keyPrefix);
    await redis.quit();
  });

  it('round-trips an entry with its dates, and misses an unknown product', async () => {
    await cache.set(entry());
    const cached = await cache.get('product-1');
    expect(cached).toEqual(entry());
    expect(cached?.saleStartsAt).toBeInstanceOf(Date);
    expect(await cache.get('product-unknown')).toBeNull();
  });

  it('keeps a null sale start, replaces on set and forgets on delete', async () => {
    await cache.set(entry({ productId: 'product-2', saleStartsAt: null }));
    expect((await cache.get('product-2'))?.saleStartsAt).toBeNull();
    await cache.set(entry({ productId: 'product-2', price: money(500), active: false, saleStartsAt: null }));
    expect(await cache.get('product-2')).toEqual(entry({ productId: 'product-2', price: money(500), active: false, saleStartsAt: null }));
    await cache.delete('product-2');
    expect(await cache.get('product-2')).toBeNull();
  });

  it('stores entries with the configured TTL', async () => {
    await cache.set(entry({ productId: 'product-3' }));
    const ttl = await redis.ttl(`${keyPrefix}:price:product-3`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('treats an unreadable entry as a miss', async () => {
    await redis.set(`${keyPrefix}:price:product-4`, '{"productId":"product-4","price":"12.99"}');
    await redis.set(`${keyPrefix}:price:product-5`, 'not json');
    expect(await cache.get('product-4')).toBeNull();
    expect(await cache.get('product-5')).toBeNull();
  });

  it('shares entries between two caches on the same prefix (two API replicas)', async () => {
    const other = createRedisPriceCache({ url: redisUrl ?? '', keyPrefix });
    try {
      await cache.set(entry({ productId: 'product-6' }));
      expect(await other.get('product-6')).toEqual(entry({ productId: 'product-6' }));
    } finally {
      await other.close();
    }
  });
});
