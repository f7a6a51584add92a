import { useEffect, useState } from 'react';
import { products } from '../api/endpoints.js';
import type { Product } from '../api/types.js';

const cache = new Map<string, Promise<Product | null>>();

/** A product by id, fetched once per page load (orders list and show names of products). */
export function fetchProductOnce(id: string): Promise<Product | null> {
  let pending = cache.get(id);
  if (!pending) {
    pending = products.get(id).then(
      (body) => body.product,
      () => null,
    );
    cache.set(id, pending);
  }
  return pending;
}

export function useProductName(id: string): string {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void fetchProductOnce(id).then((product) => {
      if (live) setName(product?.name ?? null);
    });
    return () => {
      live = false;
    };
  }, [id]);
  return name ?? `Product ${id.slice(0, 8)}`;
}
