import type { Product } from '../domain/product.js';
import { syncCatalogue } from './catalogue-sync.js';
import { productChangedEvent } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import { type ProductInput, parseNewProduct } from './product-input.js';

export type ProductWriteDeps = Pick<CorePorts, 'unitOfWork' | 'priceCache' | 'searchIndex' | 'clock' | 'logger'>;

/**
 * Creates a product and announces it (`product.changed`, change `created`) in the same transaction.
 * Optional fields default: description '', maxQuantityPerCustomer 0 (no limit), active true, saleStartsAt null.
 * A new product has no stock until it is restocked.
 */
export async function createProduct(deps: ProductWriteDeps, input: ProductInput): Promise<Product> {
  const fields = parseNewProduct(input);
  const product = await deps.unitOfWork.run(async (tx) => {
    const created = await tx.products.create(fields);
    await tx.outbox.append([productChangedEvent(created.id, 'created', deps.clock.now())]);
    return created;
  });
  await syncCatalogue(deps, product);
  return product;
}
