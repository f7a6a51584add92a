import type { CorePorts } from '../ports/core-ports.js';
import type { Page } from '../ports/stores.js';
import { type CatalogueEntry, isStaff, withStock } from './catalogue-entry.js';
import type { Actor } from './ports.js';
import { requireActor, requireBoolean, requireInteger, requireObject } from './validate.js';

export interface ListProductsInput {
  /** 0-based; default 0. */
  readonly page?: number;
  /** 1..100; default 20. */
  readonly size?: number;
  /** Staff only: also list inactive and archived products. */
  readonly includeInactive?: boolean;
  /** The caller, when signed in. */
  readonly actor?: Actor;
}

/** A page of the catalogue with live stock: listed products, or every product for staff who ask. */
export async function listProducts(
  deps: Pick<CorePorts, 'products' | 'stockGate'>,
  input: ListProductsInput = {},
): Promise<Page<CatalogueEntry>> {
  const request = requireObject(input, 'input');
  const page = requireInteger(request.page ?? 0, 'page', { max: 1_000_000 });
  const size = requireInteger(request.size ?? 20, 'size', { min: 1, max: 100 });
  const actor = request.actor === undefined ? undefined : requireActor(request.actor);
  const includeInactive = requireBoolean(request.includeInactive ?? false, 'includeInactive') && isStaff(actor);
  const result = await deps.products.list({ page, size, includeInactive });
  return { ...result, items: await withStock(deps, result.items) };
}
