import { definePlugin, type Plugin } from '@limitedcart/core';
import { createFileLedgerLog } from './file-ledger-log.js';
import { createLedgerStockGate } from './ledger-stock-gate.js';

export interface LedgerStockGatePluginOptions {
  /** JSON Lines file of the ledger. Without it the ledger lives in memory. */
  readonly path?: string;
  readonly fsync?: boolean;
}

/**
 * Registers the ledger gate as the engine's StockGate. The engine starts it (the log is replayed) before
 * serving, closes it on stop, and lists its `health()` in `engine.health()`.
 *
 * ```ts
 * const engine = createEngine({ plugins: [ledgerStockGatePlugin({ path: 'stock.jsonl' })] });
 * ```
 */
export const ledgerStockGatePlugin = (options: LedgerStockGatePluginOptions = {}): Plugin =>
  definePlugin({
    name: 'ledger-stock-gate',
    setup(ctx) {
      ctx.provide({
        // A factory: built when the engine resolves its ports, with the engine's clock.
        stockGate: {
          useFactory: ({ ports }) =>
            createLedgerStockGate({
              clock: ports.clock,
              ...(options.path === undefined
                ? {}
                : { log: createFileLedgerLog({ path: options.path, fsync: options.fsync ?? true }) }),
            }),
        },
      });
    },
  });
