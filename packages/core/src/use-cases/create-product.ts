import type { Product } from '../domain/product.js';
import { DEFAULT_ENGINE_CONFIG } from '../engine/config.js';
import { productChangedEvent } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import { productCreatedEntry } from './audit-entries.js';
import { syncCatalogue } from './catalogue-sync.js';
import { authorize } from './permissions.js';
import type { Actor } from './ports.js';
import { type ProductInput, parseNewProduct } from './product-input.js';

export type ProductWriteDeps = Pick<CorePorts, 'unitOfWork' | 'priceCache' | 'searchIndex' | 'clock' | 'logger'>;

export type CreateProductDeps = ProductWriteDeps & {
  /** `maxQuantityPerCustomer` of a product created without one (engine `defaultLimitPerCustomer`). */
  readonly defaultLimitPerCustomer?: number;
};

export interface CreateProductInput extends ProductInput {
  /** Who creates it: must be an ADMIN (`PERMISSIONS.manageProducts`); recorded in the audit log. None: the system. */
  readonly actor?: Actor;
}

/**
 * Creates a product and announces it (`product.changed`, change `created`) and records it in the audit log, all in
 * the same transaction. Optional fields default: description '', maxQuantityPerCustomer the engine's
 * `defaultLimitPerCustomer` (an explicit 0 means no limit), active true, saleStartsAt null. A new product has no stock
 * until it is restocked.
 */
export async function createProduct(deps: CreateProductDeps, input: CreateProductInput): Promise<Product> {
  const actor = authorize(input?.actor, 'manageProducts');
  const fields = parseNewProduct(input, deps.defaultLimitPerCustomer ?? DEFAULT_ENGINE_CONFIG.defaultLimitPerCustomer);
  const product = await deps.unitOfWork.run(async (tx) => {
    const created = await tx.products.create(fields);
    await tx.outbox.append([productChangedEvent(created.id, 'created', deps.clock.now())]);
    await tx.audit.append([productCreatedEntry(actor, created)]);
    return created;
  });
  await syncCatalogue(deps, product);
  return product;
}
