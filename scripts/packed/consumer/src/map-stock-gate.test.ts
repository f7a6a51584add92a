// (c) The kit proves the third-party gate: every case of the published StockGate contract, none skipped.
import { describeStockGateContract } from '@limitedcart/core/testing';
import { createMapStockGate } from './map-stock-gate.js';

describeStockGateContract('hand-written map gate', async ({ clock }) => ({ gate: createMapStockGate(clock), close: async () => {} }));
