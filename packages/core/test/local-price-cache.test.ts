import { describe, expect, it } from 'vitest';
import { money } from '../src/domain/money.js';
import { createMemoryPriceCache } from '../src/memory/price-cache.js';
import type { PriceCache, PricedProduct } from '../src/ports/small-ports.js';
import { withLocalPriceCache } from '../src/pricing/local-price-cache.js';

const entry = (overrides: Partial<PricedProduct> = {}): PricedProduct => ({
  productId: 'p-1',
  sku: 'sku-1',
  price: money(1_000),
  maxQuantityPerCustomer: 1,
  active: true,
  saleStartsAt: null,
  ...overrides,
});

/** The shared cache with its reads counted. */
const counting = (shared: PriceCache) => {
  const counter = { gets: 0 };
  const wrapped: PriceCache = {
    ...shared,
    get: (productId) => {
      counter.gets += 1;
      return shared.get(productId);
    },
  };
  return { shared: wrapped, counter };
};

const manualMs = () => {
  let ms = 5_000;
  return { now: () => ms, advance: (by: number) => (ms += by) };
};

describe('withLocalPriceCache', () => {
  it('answers repeated reads from memory until the TTL passes', async () => {
    const clock = manualMs();
    const { shared, counter } = counting(createMemoryPriceCache());
    await shared.set(entry());
    const cache = withLocalPriceCache(shared, { ttlMs: 1_000, now: clock.now });
    for (let i = 0; i < 5; i += 1) expect(await cache.get('p-1')).toEqual(entry());
    expect(counter.gets).toBe(1);
    clock.advance(1_000);
    expect(await cache.get('p-1')).toEqual(entry());
    expect(counter.gets).toBe(2);
  });

  it('a write or delete through it takes effect at once, here and in the shared cache', async () => {
    const shared = createMemoryPriceCache();
    const cache = withLocalPriceCache(shared, { ttlMs: 60_000 });
    await cache.set(entry());
    expect(await cache.get('p-1')).toEqual(entry());
    await cache.set(entry({ price: money(2_000) }));
    expect((await cache.get('p-1'))?.price).toEqual(money(2_000));
    expect((await shared.get('p-1'))?.price).toEqual(money(2_000));
    await cache.delete('p-1');
    expect(await cache.get('p-1')).toBeNull();
    expect(await shared.get('p-1')).toBeNull();
  });

  it('a read that started before a write does not fill its older value', async () => {
    const memory = createMemoryPriceCache();
    await memory.set(entry());
    let releaseRead: () => void = () => {};
    const slow: PriceCache = {
      ...memory,
      get: async (productId) => {
        const value = await memory.get(productId);
        await new Promise<void>((resolve) => {
          releaseRead = resolve;
        });
        return value;
      },
    };
    const cache = withLocalPriceCache(slow, { ttlMs: 60_000 });
    const staleRead = cache.get('p-1');
    await new Promise((resolve) => setImmediate(resolve));
    await cache.set(entry({ price: money(3_000) }));
    releaseRead();
    expect((await staleRead)?.price).toEqual(money(1_000));
    expect((await cache.get('p-1'))?.price).toEqual(money(3_000));
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const { shared, counter } = counting(createMemoryPriceCache());
    for (const id of ['a', 'b', 'c']) await shared.set(entry({ productId: id }));
    const cache = withLocalPriceCache(shared, { ttlMs: 60_000, maxEntries: 2 });
    await cache.get('a');
    await cache.get('b');
    await cache.get('c');
    expect(counter.gets).toBe(3);
    await cache.get('c');
    await cache.get('a');
    expect(counter.gets).toBe(4);
  });
});
