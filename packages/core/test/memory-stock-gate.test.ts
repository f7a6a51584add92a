import { createMemoryStockGate } from '../src/memory/stock-gate.js';
import { describeStockGateContract } from '../src/testing/stock-gate-contract.js';

describeStockGateContract('memory', async ({ clock }) => ({ gate: createMemoryStockGate({ clock }), close: async () => {} }));
