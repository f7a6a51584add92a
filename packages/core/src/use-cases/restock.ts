import { notFound, validationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { DEFAULT_ENGINE_CONFIG } from '../engine/config.js';
import { productChangedEvent } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { RestockResult } from '../ports/stock-gate.js';
import { restockedEntry } from './audit-entries.js';
import { requestHash, requireIdempotencyKey, runOncePerKey } from './idempotency.js';
import { authorize } from './permissions.js';
import type { Actor } from './ports.js';
import { requireInteger, requireObject, requireString } from './validate.js';

export interface RestockInput {
  readonly productId: string;
  /** Units added; positive integer. */
  readonly quantity: number;
  /**
   * The gate's operation id: the same opId adds stock once, whoever sends it. Derived from the Idempotency-Key when
   * one is given; a fresh id otherwise.
   */
  readonly opId?: string;
  /**
   * The caller's Idempotency-Key (scoped to `actor`): a retry gets the first request's result (`replayed: true`),
   * and the stock is added once even if the retry reaches another replica.
   */
  readonly idempotencyKey?: string;
  /**
   * Who restocks: an ADMIN or WAREHOUSE account (`PERMISSIONS.restock`). Scopes the Idempotency-Key and is recorded in
   * the audit log. None: the system.
   */
  readonly actor?: Actor;
}

export interface RestockOutcome extends RestockResult {
  readonly productId: string;
  /** true when this is an earlier request's result, replayed under its Idempotency-Key. */
  readonly replayed: boolean;
}

export type RestockDeps = Pick<CorePorts, 'products' | 'stockGate' | 'unitOfWork' | 'idempotency' | 'clock'> & {
  /** When an Idempotency-Key's in-flight claim counts as left by a dead request (engine `staleClaimMs`). */
  readonly staleClaimMs?: number;
};

const MAX_RESTOCK = 1_000_000;

/**
 * Adds stock to a product at the gate. A repeated opId changes nothing and reports `applied: false`.
 * `product.changed` (change `restocked`) is announced only for an applied restock.
 *
 * The audit entry cannot commit with the stock itself: the gate is a port of its own (a Redis script, the Postgres
 * ledger's own statement), outside any unit of work. It is written right after, named after the operation id, so a
 * retry of the same operation (the same Idempotency-Key, after the first request died between the two) writes the
 * entry that is missing and never a second one.
 */
export async function restock(deps: RestockDeps, input: RestockInput): Promise<RestockOutcome> {
  const request = requireObject(input, 'input');
  const productId = requireString(request.productId, 'productId', { maxLength: 200 });
  const quantity = requireInteger(request.quantity, 'quantity', { min: 1, max: MAX_RESTOCK });
  const key = request.idempotencyKey === undefined ? undefined : requireIdempotencyKey(request.idempotencyKey);
  if (key !== undefined && request.opId !== undefined) throw validationError('give an opId or an idempotencyKey, not both', { field: 'opId' });
  const actor = authorize(request.actor, 'restock');
  const scope = `inventory.restock:${actor === undefined ? 'system' : actor.customerId}`;
  const opId =
    key !== undefined ? `key:${scope}:${key}` : request.opId === undefined ? newId() : requireString(request.opId, 'opId', { maxLength: 200 });

  const apply = async (): Promise<RestockOutcome> => {
    const product = await deps.products.get(productId);
    if (product === null) throw notFound('product', productId);
    const result = await deps.stockGate.restock(product.sku, quantity, opId);
    await deps.unitOfWork.run(async (tx) => {
      if (result.applied) await tx.outbox.append([productChangedEvent(product.id, 'restocked', deps.clock.now())]);
      await tx.audit.append([restockedEntry(actor, product, quantity, opId)]);
    });
    return { productId, ...result, replayed: false };
  };
  if (key === undefined) return apply();
  const { value, replayed } = await runOncePerKey(
    deps.idempotency,
    { scope, key, hash: requestHash({ productId, quantity }) },
    async () => ({ value: await apply(), remember: true }),
    // A retry after a dead request applies again: the gate adds an operation id once.
    { staleAfterMs: deps.staleClaimMs ?? DEFAULT_ENGINE_CONFIG.staleClaimMs, revive: (stored) => stored as RestockOutcome },
  );
  return replayed ? { ...value, replayed } : value;
}
