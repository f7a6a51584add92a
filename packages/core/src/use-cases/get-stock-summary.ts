import { notFound, validationError } from '../domain/errors.js';
import type { Product } from '../domain/product.js';
import type { CorePorts } from '../ports/core-ports.js';
import { requireString } from './validate.js';

export interface StockSummaryLine {
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly active: boolean;
  readonly archived: boolean;
  readonly available: number;
  readonly held: number;
  readonly sold: number;
  readonly restockedTotal: number;
}

export type StockSummaryDeps = Pick<CorePorts, 'products' | 'stockGate'>;

/**
 * Available / held / sold per product, read from the gate. Without `productIds`, every product (archived
 * ones included: they may still have holds settling). A product never restocked shows zeros.
 */
export async function getStockSummary(
  deps: StockSummaryDeps,
  productIds?: readonly string[],
): Promise<readonly StockSummaryLine[]> {
  const products = productIds === undefined ? await deps.products.all() : await productsById(deps, productIds);
  return Promise.all(
    products.map(async (product) => {
      const snapshot = await deps.stockGate.snapshot(product.sku);
      return {
        productId: product.id,
        sku: product.sku,
        name: product.name,
        active: product.active,
        archived: product.archived,
        available: snapshot?.available ?? 0,
        held: snapshot?.held ?? 0,
        sold: snapshot?.sold ?? 0,
        restockedTotal: snapshot?.restockedTotal ?? 0,
      };
    }),
  );
}

async function productsById(deps: StockSummaryDeps, productIds: readonly string[]): Promise<Product[]> {
  if (!Array.isArray(productIds)) throw validationError('productIds must be an array', { field: 'productIds' });
  return Promise.all(
    [...new Set(productIds)].map(async (id) => {
      const product = await deps.products.get(requireString(id, 'productIds[]', { maxLength: 200 }));
      if (product === null) throw notFound('product', id);
      return product;
    }),
  );
}
