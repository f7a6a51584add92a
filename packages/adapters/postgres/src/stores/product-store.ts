import { newId, type NewProduct, type Page, type Product, type ProductPatch, type ProductStore } from '@limitedcart/core';
import { type Executor, query, type TableNames } from '../sql.js';
import { pageBounds, type ProductRow, toProduct } from './rows.js';

/** Patch fields and the columns they write. */
const PATCH_COLUMNS: ReadonlyArray<[keyof ProductPatch, string, (patch: ProductPatch) => unknown[]]> = [
  ['name', 'name', (p) => [p.name]],
  ['description', 'description', (p) => [p.description]],
  ['maxQuantityPerCustomer', 'max_quantity_per_customer', (p) => [p.maxQuantityPerCustomer]],
  ['active', 'active', (p) => [p.active]],
  ['saleStartsAt', 'sale_starts_at', (p) => [p.saleStartsAt ?? null]],
];

export const createProductStore = (db: Executor, t: TableNames): ProductStore => ({
  async create(product: NewProduct): Promise<Product> {
    const id = product.id ?? newId();
    const [row] = await query<ProductRow>(
      db,
      'create product',
      `INSERT INTO ${t.products}
         (id, sku, name, description, price_amount, currency, max_quantity_per_customer, active, sale_starts_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        id,
        product.sku ?? id,
        product.name,
        product.description,
        product.price.amount,
        product.price.currency,
        product.maxQuantityPerCustomer,
        product.active,
        product.saleStartsAt ?? null,
      ],
    );
    return toProduct(row as ProductRow);
  },

  async get(id) {
    const [row] = await query<ProductRow>(db, 'get product', `SELECT * FROM ${t.products} WHERE id = $1`, [id]);
    return row ? toProduct(row) : null;
  },

  async update(id, patch) {
    const sets: string[] = [];
    const values: unknown[] = [id];
    for (const [key, column, read] of PATCH_COLUMNS) {
      if (patch[key] === undefined) continue;
      values.push(...read(patch));
      sets.push(`${column} = $${values.length}`);
    }
    if (patch.price !== undefined) {
      values.push(patch.price.amount, patch.price.currency);
      sets.push(`price_amount = $${values.length - 1}`, `currency = $${values.length}`);
    }
    const [row] = await query<ProductRow>(
      db,
      'update product',
      `UPDATE ${t.products} SET ${[...sets, 'updated_at = clock_timestamp()'].join(', ')} WHERE id = $1 RETURNING *`,
      values,
    );
    return row ? toProduct(row) : null;
  },

  async archive(id) {
    const [row] = await query<ProductRow>(
      db,
      'archive product',
      `UPDATE ${t.products} SET archived = true, updated_at = clock_timestamp() WHERE id = $1 RETURNING *`,
      [id],
    );
    return row ? toProduct(row) : null;
  },

  async list({ page, size, includeInactive = false }): Promise<Page<Product>> {
    const { limit, offset } = pageBounds(page, size);
    const where = includeInactive ? '' : 'WHERE active AND NOT archived';
    const rows = await query<ProductRow & { total: string }>(
      db,
      'list products',
      `SELECT *, count(*) OVER () AS total FROM ${t.products} ${where} ORDER BY seq LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    const total = rows[0]
      ? Number(rows[0].total)
      : Number(
          (await query<{ total: string }>(db, 'count products', `SELECT count(*) AS total FROM ${t.products} ${where}`))[0]
            ?.total ?? 0,
        );
    return { items: rows.map(toProduct), page, size, total };
  },

  async all() {
    const rows = await query<ProductRow>(db, 'list all products', `SELECT * FROM ${t.products} ORDER BY seq`);
    return rows.map(toProduct);
  },
});
