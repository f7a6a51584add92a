/**
 * A StockGate written from scratch: stock as an append-only ledger of events, counters derived by folding
 * it. Proven against core's conformance kit (`describeStockGateContract`).
 */
export type { LedgerEvent, LedgerEventType } from './events.js';
export { createFileLedgerLog, type FileLedgerLogOptions } from './file-ledger-log.js';
export { createMemoryLedgerLog, type LedgerLog } from './ledger-log.js';
export { createLedgerStockGate, type LedgerStockGate, type LedgerStockGateOptions } from './ledger-stock-gate.js';
export { ledgerStockGatePlugin, type LedgerStockGatePluginOptions } from './plugin.js';
export { Projection, project } from './projection.js';
