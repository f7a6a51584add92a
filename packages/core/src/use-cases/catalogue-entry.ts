import type { Role } from '../domain/customer.js';
import type { Product } from '../domain/product.js';
import type { CorePorts } from '../ports/core-ports.js';
import { PERMISSIONS } from './permissions.js';
import type { Actor } from './ports.js';

/** A product as the catalogue shows it, with its live stock ("12 left"). */
export interface CatalogueEntry {
  readonly product: Product;
  readonly stock: { readonly available: number; readonly restockedTotal: number };
}

const STAFF: readonly Role[] = PERMISSIONS.readStock;

/** Staff (who read stock, to restock what is not on sale yet) see inactive and archived products; shoppers do not. */
export const isStaff = (actor: Actor | undefined): boolean => actor?.roles.some((role) => STAFF.includes(role)) ?? false;

/** Listed to shoppers: active and not archived. A drop whose sale has not started is listed, with its countdown. */
export const isListed = (product: Product): boolean => product.active && !product.archived;

/** One gate snapshot per product shown. */
export const withStock = (deps: Pick<CorePorts, 'stockGate'>, products: readonly Product[]): Promise<CatalogueEntry[]> =>
  Promise.all(
    products.map(async (product) => {
      const snapshot = await deps.stockGate.snapshot(product.sku);
      return { product, stock: { available: snapshot?.available ?? 0, restockedTotal: snapshot?.restockedTotal ?? 0 } };
    }),
  );
