import type { Product } from '@limitedcart/core';
import { describe, expect, it } from 'vitest';
import { createLunrSearchIndex, queryTerms } from '../src/lunr-index.js';

const product = (id: string, name: string, description = '', overrides: Partial<Product> = {}): Product => ({
  id,
  sku: id,
  name,
  description,
  price: { amount: 1000, currency: 'USD' },
  maxQuantityPerCustomer: 1,
  active: true,
  archived: false,
  saleStartsAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...overrides,
});

describe('lunr search index', () => {
  const seed = async () => {
    const index = createLunrSearchIndex();
    await index.upsert(product('p1', 'Retro Runner Sneakers', 'Limited colourway running shoe'));
    await index.upsert(product('p2', 'Vinyl Record Box Set', 'Five albums, numbered edition'));
    await index.upsert(product('p3', 'Mechanical Keyboard', 'Hot-swappable switches'));
    return index;
  };

  it('finds exact, prefix and misspelled terms', async () => {
    const index = await seed();
    expect((await index.search('keyboard', 5)).map((h) => h.productId)).toEqual(['p3']);
    expect((await index.search('sneak', 5)).map((h) => h.productId)).toEqual(['p1']);
    expect((await index.search('keybaord', 5)).map((h) => h.productId)).toContain('p3');
    expect((await index.search('vinly', 5)).map((h) => h.productId)).toContain('p2');
  });

  it('ranks the closer match first', async () => {
    const index = await seed();
    const hits = await index.search('record', 5);
    expect(hits[0]?.productId).toBe('p2');
  });

  it('treats quotes and lunr operators as plain text', async () => {
    const index = await seed();
    for (const query of ['"unterminated', 'name:keyboard', '+-~^*', 'keyboard~99', '\\', ':::']) {
      await expect(index.search(query, 5)).resolves.toBeInstanceOf(Array);
    }
    expect((await index.search('"keyboard"', 5)).map((h) => h.productId)).toEqual(['p3']);
    expect(queryTerms('  ')).toEqual([]);
  });

  it('keeps inactive and archived products out and reflects updates', async () => {
    const index = await seed();
    await index.upsert(product('p3', 'Mechanical Keyboard', '', { archived: true }));
    expect(await index.search('keyboard', 5)).toEqual([]);
    await index.upsert(product('p1', 'Trail Boots', 'waterproof'));
    expect(await index.search('sneakers', 5)).toEqual([]);
    expect((await index.search('boots', 5)).map((h) => h.productId)).toEqual(['p1']);
    await index.remove('p1');
    expect(await index.search('boots', 5)).toEqual([]);
    expect(index.size()).toBe(1);
  });
});
