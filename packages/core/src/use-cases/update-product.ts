import { notFound } from '../domain/errors.js';
import type { Product } from '../domain/product.js';
import { productChangedEvent } from '../events/builders.js';
import { productUpdatedEntry } from './audit-entries.js';
import { syncCatalogue } from './catalogue-sync.js';
import type { ProductWriteDeps } from './create-product.js';
import { authorize } from './permissions.js';
import type { Actor } from './ports.js';
import { type ProductPatchInput, parseProductPatch } from './product-input.js';
import { requireObject, requireString } from './validate.js';

export interface UpdateProductInput {
  readonly productId: string;
  /** Only the fields present change (PATCH semantics; a PUT passes every field). */
  readonly patch: ProductPatchInput;
  /** Who changes it: must be an ADMIN (`PERMISSIONS.manageProducts`); recorded in the audit log. None: the system. */
  readonly actor?: Actor;
}

/**
 * Changes a product, announces it and records the changed fields (`{ from, to }`, prices included) in the audit log,
 * in the same transaction; the price cache follows on commit. A patch that changes nothing records nothing.
 */
export async function updateProduct(deps: ProductWriteDeps, input: UpdateProductInput): Promise<Product> {
  const request = requireObject(input, 'input');
  const actor = authorize(request.actor, 'manageProducts');
  const productId = requireString(request.productId, 'productId', { maxLength: 200 });
  const patch = parseProductPatch(request.patch);
  const product = await deps.unitOfWork.run(async (tx) => {
    // Read in the transaction that writes: the entry's `from` is what this update replaced, bar a concurrent update
    // committed between the two statements (the product store takes no row lock for a read).
    const before = await tx.products.get(productId);
    const updated = before && (await tx.products.update(productId, patch));
    if (!before || !updated) throw notFound('product', productId);
    await tx.outbox.append([productChangedEvent(updated.id, 'updated', deps.clock.now())]);
    const entry = productUpdatedEntry(actor, before, updated);
    if (entry) await tx.audit.append([entry]);
    return updated;
  });
  await syncCatalogue(deps, product);
  return product;
}
