import { waitFor } from '@limitedcart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createStockWatch, type StockUpdate, type StockWatch } from './stock-watch.js';

describe('the stock watch', () => {
  let watch: StockWatch | undefined;
  afterEach(() => watch?.close());

  it('reads each watched product once per tick however many viewers, and tells them only of changes', async () => {
    const reads: string[] = [];
    const stock = new Map([
      ['a', 5],
      ['b', 9],
    ]);
    watch = createStockWatch({
      intervalMs: 20,
      read: async (productId) => {
        reads.push(productId);
        return { productId, available: stock.get(productId) ?? 0, restockedTotal: 10 };
      },
    });
    const heard: StockUpdate[][] = Array.from({ length: 50 }, () => []);
    const stops = heard.map((list, i) => watch!.watch(i % 2 === 0 ? ['a', 'b'] : ['a'], (update) => list.push(update)));
    await waitFor(() => heard.every((list) => list.length > 0), { message: 'every viewer heard the first value' });
    const ticks = reads.filter((id) => id === 'a').length;
    expect(reads.filter((id) => id === 'b').length).toBe(ticks);

    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard[1], 'no change, nothing more').toEqual([{ productId: 'a', available: 5, restockedTotal: 10 }]);
    const readsPerTick = reads.length / reads.filter((id) => id === 'a').length;
    expect(readsPerTick, 'two products, two reads a tick, for 50 viewers').toBe(2);

    stock.set('a', 4);
    await waitFor(() => heard[1]!.length === 2, { message: 'the change reached a viewer' });
    expect(heard[1]![1]).toEqual({ productId: 'a', available: 4, restockedTotal: 10 });

    // A late viewer gets the last value at once.
    const late: StockUpdate[] = [];
    stops.push(watch.watch(['a'], (update) => late.push(update)));
    expect(late).toEqual([{ productId: 'a', available: 4, restockedTotal: 10 }]);

    for (const stop of stops) stop();
    expect(watch.watched).toBe(0);
    const after = reads.length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(reads.length - after, 'nobody watches: at most the tick in flight reads').toBeLessThanOrEqual(2);
  });

  it('skips products it cannot read and keeps reading the others', async () => {
    watch = createStockWatch({
      intervalMs: 10,
      read: async (productId) => {
        if (productId === 'gone') return null;
        if (productId === 'broken') throw new Error('store down');
        return { productId, available: 1, restockedTotal: 1 };
      },
    });
    const heard: string[] = [];
    watch.watch(['gone', 'broken', 'ok'], (update) => heard.push(update.productId));
    await waitFor(() => heard.length > 0, { message: 'the readable product was heard' });
    expect(heard).toEqual(['ok']);
  });
});
