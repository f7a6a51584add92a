export { traceRequests } from './http-tracing.js';
export { traceStockGate, withTracedStockGate } from './stock-gate-tracing.js';
export { startTracing, type Tracing, type TracingOptions } from './tracing.js';
