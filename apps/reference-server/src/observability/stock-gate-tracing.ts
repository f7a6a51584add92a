import { definePlugin, forwardLifecycle, type HoldTransition, type Plugin, type StockGate } from '@limitedcart/core';
import type { Attributes } from '@opentelemetry/api';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Tracing } from './tracing.js';

const SKU = 'limitedcart.sku';
const ORDER_ID = 'limitedcart.order_id';
const RESULT = 'limitedcart.result';

const transitionResult = (transition: HoldTransition): Attributes => ({
  [RESULT]: transition.ok ? (transition.changed ? 'changed' : 'unchanged') : transition.state,
});

/**
 * The StockGate port with each call recorded as a child span (`stockGate.reserve`, ...) carrying the SKU or order
 * and the outcome. Only calls made inside a traced operation are recorded: the hold sweeper runs every few hundred
 * milliseconds and would otherwise open a root trace each time.
 */
export function traceStockGate(gate: StockGate, tracing: Tracing): StockGate {
  const traced = async <T>(operation: string, attributes: Attributes, call: () => Promise<T>, outcome: (result: T) => Attributes) => {
    const parent = tracing.activeContext();
    if (trace.getSpan(parent) === undefined) return call();
    const span = tracing.tracer.startSpan(`stockGate.${operation}`, { attributes }, parent);
    try {
      const result = await tracing.runInContext(trace.setSpan(parent, span), call);
      span.setAttributes(outcome(result));
      return result;
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  };
  return forwardLifecycle<StockGate>({
    reserve: (request) =>
      traced('reserve', { [SKU]: request.sku, [ORDER_ID]: request.orderId, 'limitedcart.qty': request.qty }, () => gate.reserve(request), (result) => ({
        [RESULT]: result.ok ? 'reserved' : result.reason,
      })),
    commit: (orderId) => traced('commit', { [ORDER_ID]: orderId }, () => gate.commit(orderId), transitionResult),
    release: (orderId) => traced('release', { [ORDER_ID]: orderId }, () => gate.release(orderId), transitionResult),
    restock: (sku, qty, opId) =>
      traced('restock', { [SKU]: sku, 'limitedcart.qty': qty }, () => gate.restock(sku, qty, opId), (result) => ({
        [RESULT]: result.applied ? 'applied' : 'duplicate',
      })),
    snapshot: (sku) => traced('snapshot', { [SKU]: sku }, () => gate.snapshot(sku), (result) => ({ [RESULT]: result === null ? 'unknown' : 'found' })),
    expire: () => traced('expire', {}, () => gate.expire(), (released) => ({ 'limitedcart.released': released.length })),
    holdState: (orderId) => traced('holdState', { [ORDER_ID]: orderId }, () => gate.holdState(orderId), (state) => ({ [RESULT]: state ?? 'unknown' })),
    // A memory lookup, not a call worth a span; forwarded so tracing does not turn the cached rejection off.
    ...(gate.extendHold
      ? {
          extendHold: (orderId: string, graceMs: number) =>
            traced('extendHold', { [ORDER_ID]: orderId }, () => gate.extendHold!(orderId, graceMs), (result) => ({
              [RESULT]: result.ok ? (result.extended ? 'extended' : 'kept') : result.state,
            })),
        }
      : {}),
    ...(gate.knownRejection ? { knownRejection: gate.knownRejection.bind(gate) } : {}),
    ...(gate.reconcile ? { reconcile: gate.reconcile.bind(gate) } : {}),
  }, gate);
}

/**
 * Traces the stock gate when tracing is on: wraps whatever gate the plugins before it registered (the engine's
 * sold-out cache goes around it, so a rejection answered from memory costs no span).
 */
export const stockGateTracing = (tracing: Tracing): Plugin =>
  definePlugin({
    name: 'reference-server.tracing',
    setup(ctx) {
      if (tracing.enabled) ctx.decorate('stockGate', (gate) => traceStockGate(gate, tracing));
    },
  });
