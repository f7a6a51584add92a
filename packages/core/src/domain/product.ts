import type { Money } from './money.js';

export interface Product {
  readonly id: string;
  /** The stock-gate key. Equal to the product id unless an integrator maps SKUs differently. */
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly price: Money;
  /** 0 means no per-customer limit. */
  readonly maxQuantityPerCustomer: number;
  readonly active: boolean;
  readonly archived: boolean;
  readonly saleStartsAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type NewProduct = Pick<Product, 'name' | 'description' | 'price' | 'maxQuantityPerCustomer' | 'active'> & {
  readonly id?: string;
  readonly sku?: string;
  readonly saleStartsAt?: Date | null;
};

export type ProductPatch = Partial<
  Pick<Product, 'name' | 'description' | 'price' | 'maxQuantityPerCustomer' | 'active' | 'saleStartsAt'>
>;

/** Whether shoppers may buy the product at `now`. */
export const isOnSale = (product: Product, now: Date): boolean =>
  product.active && !product.archived && (product.saleStartsAt === null || product.saleStartsAt <= now);
