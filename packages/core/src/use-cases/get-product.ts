import { notFound } from '../domain/errors.js';
import type { CorePorts } from '../ports/core-ports.js';
import { type CatalogueEntry, isListed, isStaff, withStock } from './catalogue-entry.js';
import type { Actor } from './ports.js';
import { requireActor, requireObject, requireString } from './validate.js';

export interface GetProductInput {
  readonly productId: string;
  readonly actor?: Actor;
}

/** One product with live stock. An unlisted one (inactive, archived) is NOT_FOUND except to staff. */
export async function getProduct(deps: Pick<CorePorts, 'products' | 'stockGate'>, input: GetProductInput): Promise<CatalogueEntry> {
  const request = requireObject(input, 'input');
  const productId = requireString(request.productId, 'productId', { maxLength: 200 });
  const actor = request.actor === undefined ? undefined : requireActor(request.actor);
  const product = await deps.products.get(productId);
  if (product === null || (!isListed(product) && !isStaff(actor))) throw notFound('product', productId);
  const [entry] = await withStock(deps, [product]);
  return entry!;
}
