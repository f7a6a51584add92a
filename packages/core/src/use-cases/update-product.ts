import { notFound } from '../domain/errors.js';
import type { Product } from '../domain/product.js';
import { syncCatalogue } from './catalogue-sync.js';
import type { ProductWriteDeps } from './create-product.js';
import { productChangedEvent } from '../events/builders.js';
import { type ProductPatchInput, parseProductPatch } from './product-input.js';
import { requireObject, requireString } from './validate.js';

export interface UpdateProductInput {
  readonly productId: string;
  /** Only the fields present change (PATCH semantics; a PUT passes every field). */
  readonly patch: ProductPatchInput;
}

/** Changes a product and announces it in the same transaction; the price cache follows on commit. */
export async function updateProduct(deps: ProductWriteDeps, input: UpdateProductInput): Promise<Product> {
  const request = requireObject(input, 'input');
  const productId = requireString(request.productId, 'productId', { maxLength: 200 });
  const patch = parseProductPatch(request.patch);
  const product = await deps.unitOfWork.run(async (tx) => {
    const updated = await tx.products.update(productId, patch);
    if (updated === null) throw notFound('product', productId);
    await tx.outbox.append([productChangedEvent(updated.id, 'updated', deps.clock.now())]);
    return updated;
  });
  await syncCatalogue(deps, product);
  return product;
}
