export { traceRequests } from './http-tracing.js';
export { stockGateTracing, traceStockGate } from './stock-gate-tracing.js';
export { startTracing, type Tracing, type TracingOptions } from './tracing.js';
