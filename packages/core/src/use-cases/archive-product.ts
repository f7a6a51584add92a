import { notFound } from '../domain/errors.js';
import type { Product } from '../domain/product.js';
import { productChangedEvent } from '../events/builders.js';
import { productArchivedEntry } from './audit-entries.js';
import { syncCatalogue } from './catalogue-sync.js';
import type { ProductWriteDeps } from './create-product.js';
import { authorize } from './permissions.js';
import type { Actor } from './ports.js';
import { requireObject, requireString } from './validate.js';

export interface ArchiveProductInput {
  readonly productId: string;
  /** Who archives it: must be an ADMIN (`PERMISSIONS.manageProducts`); recorded in the audit log. None: the system. */
  readonly actor?: Actor;
}

/**
 * Archives (soft-deletes) a product: it stops being on sale at once (the cached entry turns inactive),
 * disappears from search, and stays readable for the orders that reference it. Archiving twice is harmless.
 * The event and the audit entry commit with the change.
 */
export async function archiveProduct(deps: ProductWriteDeps, input: ArchiveProductInput): Promise<Product> {
  const request = requireObject(input, 'input');
  const actor = authorize(request.actor, 'manageProducts');
  const productId = requireString(request.productId, 'productId', { maxLength: 200 });
  const product = await deps.unitOfWork.run(async (tx) => {
    const archived = await tx.products.archive(productId);
    if (archived === null) throw notFound('product', productId);
    await tx.outbox.append([productChangedEvent(archived.id, 'archived', deps.clock.now())]);
    await tx.audit.append([productArchivedEntry(actor, archived)]);
    return archived;
  });
  await syncCatalogue(deps, product);
  return product;
}
