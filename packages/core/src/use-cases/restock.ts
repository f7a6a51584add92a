import { notFound } from '../domain/errors.js';
import type { RestockResult } from '../ports/stock-gate.js';
import { productChangedEvent } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import { requireInteger, requireObject, requireString } from './validate.js';

export interface RestockInput {
  readonly productId: string;
  /** Units added; positive integer. */
  readonly quantity: number;
  /** Idempotency key of the operation: the same opId adds stock once (e.g. the HTTP Idempotency-Key). */
  readonly opId: string;
}

export type RestockDeps = Pick<CorePorts, 'products' | 'stockGate' | 'unitOfWork' | 'clock'>;

const MAX_RESTOCK = 1_000_000;

/**
 * Adds stock to a product at the gate. A repeated opId changes nothing and reports `applied: false`.
 * `product.changed` (change `restocked`) is announced only for an applied restock.
 */
export async function restock(deps: RestockDeps, input: RestockInput): Promise<RestockResult> {
  const request = requireObject(input, 'input');
  const productId = requireString(request.productId, 'productId', { maxLength: 200 });
  const quantity = requireInteger(request.quantity, 'quantity', { min: 1, max: MAX_RESTOCK });
  const opId = requireString(request.opId, 'opId', { maxLength: 200 });

  const product = await deps.products.get(productId);
  if (product === null) throw notFound('product', productId);

  const result = await deps.stockGate.restock(product.sku, quantity, opId);
  if (result.applied) {
    const event = productChangedEvent(product.id, 'restocked', deps.clock.now());
    await deps.unitOfWork.run((tx) => tx.outbox.append([event]));
  }
  return result;
}
