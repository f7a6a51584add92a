/**
 * Key layout of the Redis stock gate.
 *
 * A SKU's keys share the hash tag `{prefix:sku}` so each per-SKU script runs on one Redis Cluster slot. Two
 * things cannot live in that slot and are kept outside it, on purpose:
 * - the order -> SKU index (`prefix:order-sku:orderId`): commit/release/holdState receive only an order id and
 *   read the index first (one extra round trip); it is written after the hold succeeds, so a rejected attempt
 *   leaves nothing behind;
 * - the owner SKU of each restock op id (`prefix:restock-op:opId`): op ids are unique across SKUs;
 * - the set of SKUs (`prefix:skus`): `expire()` walks it and sweeps each SKU's expiry sorted set in turn.
 * The SKU is URI-encoded inside the tag so any SKU string yields a well-formed tag.
 */
export interface SkuKeys {
  readonly stock: string;
  readonly holds: string;
  readonly expiry: string;
  readonly customers: string;
  readonly restocks: string;
}

export interface StockKeys {
  sku(sku: string): SkuKeys;
  orderSku(orderId: string): string;
  restockOp(opId: string): string;
  readonly skus: string;
}

/**
 * The Redis Cluster hash tag of everything kept per SKU (or per drop: a drop's waiting room shares its product's
 * tag, so a script may one day touch both in one slot). The id is URI-encoded so any string yields a well-formed tag.
 */
export const hashTag = (prefix: string, id: string): string => `{${prefix}:${encodeURIComponent(id)}}`;

export function stockKeys(prefix: string): StockKeys {
  return {
    sku(sku) {
      const tag = hashTag(prefix, sku);
      return {
        stock: `${tag}:stock`,
        holds: `${tag}:holds`,
        expiry: `${tag}:expiry`,
        customers: `${tag}:customers`,
        restocks: `${tag}:restocks`,
      };
    },
    orderSku: (orderId) => `${prefix}:order-sku:${orderId}`,
    restockOp: (opId) => `${prefix}:restock-op:${opId}`,
    skus: `${prefix}:skus`,
  };
}

/** The four keys the hold scripts take, in the order the Lua expects. */
export const holdScriptKeys = (keys: SkuKeys): string[] => [keys.stock, keys.holds, keys.expiry, keys.customers];
