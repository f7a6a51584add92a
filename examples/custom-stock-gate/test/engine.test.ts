import { readFile } from 'node:fs/promises';
import { createEngine, type Engine, money } from '@limitedcart/core';
import { createConsoleLogger } from '@limitedcart/core/memory';
import { waitFor } from '@limitedcart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createLedgerStockGate, type LedgerEvent, ledgerStockGatePlugin } from '../src/index.js';
import { tempDir } from './temp-dir.js';

const silent = createConsoleLogger({ level: 'silent' });

describe('the ledger gate inside an engine', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const orderOneUnit = async (engine: Engine) => {
    const product = await engine.useCases.createProduct({ name: 'Poster', price: money(1_000), maxQuantityPerCustomer: 1 });
    await engine.useCases.restock({ productId: product.id, quantity: 3, opId: 'poster-stock' });
    const placed = await engine.useCases.placeOrder({ customerId: 'ann', productId: product.id, quantity: 1 });
    if (!placed.ok) throw new Error(`order rejected: ${placed.reason}`);
    return { product, order: placed.order };
  };

  it('serves as the StockGate when registered through its plugin', async () => {
    const dir = await tempDir('ledger-engine');
    cleanups.push(() => dir.remove());
    const engine = createEngine({ plugins: [ledgerStockGatePlugin({ path: dir.path('stock.jsonl') })], adapters: { logger: silent } });
    cleanups.push(() => engine.stop());
    await engine.start();

    const { product, order } = await orderOneUnit(engine);
    const [line] = await engine.useCases.getStockSummary([product.id]);
    expect(line).toMatchObject({ available: 2, held: 1, sold: 0 });
    const health = await engine.health();
    expect(health.checks).toContainEqual(expect.objectContaining({ name: 'ledger-stock-gate', ok: true }));

    // Cancelling the order releases the hold, and the release is a new fact in the file.
    await engine.useCases.cancelOrder({ orderId: order.id, actor: { customerId: 'ann', roles: ['USER'] } });
    await waitFor(async () => (await engine.ports.stockGate.holdState(order.id)) === 'RELEASED', { message: 'hold released' });
    const events = (await readFile(dir.path('stock.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as LedgerEvent);
    expect(events.map((event) => event.type)).toEqual(['restocked', 'reserved', 'released']);
  });

  it('serves as the StockGate when passed to createEngine directly', async () => {
    const gate = createLedgerStockGate();
    const engine = createEngine({ adapters: { stockGate: gate, logger: silent } });
    cleanups.push(() => engine.stop());
    await engine.start();
    // The engine wraps the gate in its sold-out cache (`soldOutCacheMs`); the wrapper forwards to it, lifecycle included.
    const { order } = await orderOneUnit(engine);
    expect(await gate.holdState(order.id)).toBe('HELD');
    await engine.stop();
    // The engine closed the adapter on stop.
    expect((await gate.health()).ok).toBe(false);
  });
});
