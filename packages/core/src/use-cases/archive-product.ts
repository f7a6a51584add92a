import { notFound } from '../domain/errors.js';
import type { Product } from '../domain/product.js';
import { syncCatalogue } from './catalogue-sync.js';
import type { ProductWriteDeps } from './create-product.js';
import { productChangedEvent } from '../events/builders.js';
import { requireObject, requireString } from './validate.js';

export interface ArchiveProductInput {
  readonly productId: string;
}

/**
 * Archives (soft-deletes) a product: it stops being on sale at once (the cached entry turns inactive),
 * disappears from search, and stays readable for the orders that reference it. Archiving twice is harmless.
 */
export async function archiveProduct(deps: ProductWriteDeps, input: ArchiveProductInput): Promise<Product> {
  const request = requireObject(input, 'input');
  const productId = requireString(request.productId, 'productId', { maxLength: 200 });
  const product = await deps.unitOfWork.run(async (tx) => {
    const archived = await tx.products.archive(productId);
    if (archived === null) throw notFound('product', productId);
    await tx.outbox.append([productChangedEvent(archived.id, 'archived', deps.clock.now())]);
    return archived;
  });
  await syncCatalogue(deps, product);
  return product;
}
