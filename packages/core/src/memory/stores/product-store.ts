import { newId } from '../../domain/ids.js';
import type { NewProduct, Product, ProductPatch } from '../../domain/product.js';
import type { Page, PageRequest, ProductStore } from '../../ports/stores.js';
import { MemoryDatabase, type MemoryScope } from './database.js';
import { byCreatedAtThenId, conflict, copy, pageOf, requireId, timestamp } from './shared.js';

/** In-memory `ProductStore`. Lists oldest first; `includeInactive` also lists archived products. */
export class MemoryProductStore implements ProductStore {
  readonly #scope: MemoryScope;

  constructor(scope: MemoryScope = new MemoryDatabase()) {
    this.#scope = scope;
  }

  async create(input: NewProduct): Promise<Product> {
    const id = requireId(input.id ?? newId(), 'product id');
    const now = timestamp(this.#scope.clock);
    const product: Product = {
      id,
      sku: requireId(input.sku ?? id, 'sku'),
      name: input.name,
      description: input.description,
      price: { ...input.price },
      maxQuantityPerCustomer: input.maxQuantityPerCustomer,
      active: input.active,
      archived: false,
      saleStartsAt: input.saleStartsAt ? new Date(input.saleStartsAt.getTime()) : null,
      createdAt: now,
      updatedAt: now,
    };
    return this.#scope.write(() => {
      if (this.#scope.tables.products.get(id)) throw conflict(`product ${id} already exists`, { id });
      this.#scope.tables.products.put(product);
      return copy(product);
    });
  }

  async get(id: string): Promise<Product | null> {
    const product = this.#scope.tables.products.get(id);
    return product ? copy(product) : null;
  }

  async update(id: string, patch: ProductPatch): Promise<Product | null> {
    const changes: { -readonly [K in keyof ProductPatch]: ProductPatch[K] } = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.price !== undefined) changes.price = { ...patch.price };
    if (patch.maxQuantityPerCustomer !== undefined) changes.maxQuantityPerCustomer = patch.maxQuantityPerCustomer;
    if (patch.active !== undefined) changes.active = patch.active;
    if (patch.saleStartsAt !== undefined) {
      changes.saleStartsAt = patch.saleStartsAt === null ? null : new Date(patch.saleStartsAt.getTime());
    }
    return this.#modify(id, (current) => ({ ...current, ...changes }));
  }

  async archive(id: string): Promise<Product | null> {
    return this.#modify(id, (current) => ({ ...current, archived: true }));
  }

  async list(query: PageRequest & { readonly includeInactive?: boolean }): Promise<Page<Product>> {
    const rows = this.#scope.tables.products
      .rows()
      .filter((product) => query.includeInactive === true || (product.active && !product.archived))
      .sort(byCreatedAtThenId);
    return pageOf(rows, query);
  }

  async all(): Promise<readonly Product[]> {
    return this.#scope.tables.products.rows().sort(byCreatedAtThenId).map(copy);
  }

  #modify(id: string, change: (current: Product) => Product): Promise<Product | null> {
    const now = timestamp(this.#scope.clock);
    return this.#scope.write(() => {
      const current = this.#scope.tables.products.get(id);
      if (!current) return null;
      const next: Product = { ...change(current), updatedAt: now };
      this.#scope.tables.products.put(next);
      return copy(next);
    });
  }
}
