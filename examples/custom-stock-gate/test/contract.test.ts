import { describeStockGateContract } from '@limitedcart/core/testing';
import { createFileLedgerLog, createLedgerStockGate } from '../src/index.js';
import { tempDir } from './temp-dir.js';

// The same kit every LimitedCart gate runs. The ledger gate meets the whole required contract; the case of the
// optional `extendHold` (a payment grace) reports itself skipped, as it does for any gate that leaves it out.
describeStockGateContract('ledger gate, in-memory log', async ({ clock }) => {
  const gate = createLedgerStockGate({ clock });
  return { gate, close: () => gate.close() };
});

describeStockGateContract('ledger gate, JSON Lines file with fsync', async ({ clock }) => {
  const dir = await tempDir('ledger-contract');
  const gate = createLedgerStockGate({ log: createFileLedgerLog({ path: dir.path('stock.jsonl') }), clock });
  return {
    gate,
    close: async () => {
      await gate.close();
      await dir.remove();
    },
  };
});
