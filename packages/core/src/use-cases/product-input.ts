import { validationError } from '../domain/errors.js';
import type { Money } from '../domain/money.js';
import type { NewProduct, ProductPatch } from '../domain/product.js';
import {
  requireBoolean,
  requireDateOrNull,
  requireInteger,
  requireMoney,
  requireObject,
  requireString,
  requireText,
} from './validate.js';

/** A product as callers write it. Dates may be ISO strings: this is often a JSON body passed through. */
export interface ProductInput {
  readonly id?: string;
  /** Defaults to the product id. */
  readonly sku?: string;
  readonly name: string;
  /** Default ''. */
  readonly description?: string;
  readonly price: Money;
  /** Units one customer may hold + buy; 0 means no per-product limit. Default: the engine's `defaultLimitPerCustomer` (2). */
  readonly maxQuantityPerCustomer?: number;
  /** Default true. */
  readonly active?: boolean;
  /** Default null: on sale as soon as active. */
  readonly saleStartsAt?: Date | string | null;
}

/** The fields an update may change; absent fields stay as they are. */
export type ProductPatchInput = Partial<Omit<ProductInput, 'id' | 'sku'>>;

/** Field checks shared by create and update; a patch checks only the fields it carries. */
const FIELDS = {
  name: (value: unknown) => requireString(value, 'name', { maxLength: 200 }),
  description: (value: unknown) => requireText(value, 'description', { maxLength: 10_000 }),
  price: (value: unknown) => requireMoney(value, 'price'),
  maxQuantityPerCustomer: (value: unknown) => requireInteger(value, 'maxQuantityPerCustomer', { max: 10_000 }),
  active: (value: unknown) => requireBoolean(value, 'active'),
  saleStartsAt: (value: unknown) => requireDateOrNull(value, 'saleStartsAt'),
} as const;

type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];

/** `defaultLimit`: the limit of a product given none (the engine's `defaultLimitPerCustomer`). */
export function parseNewProduct(input: unknown, defaultLimit: number): NewProduct {
  const body = requireObject(input, 'product');
  return {
    ...(body.id === undefined ? {} : { id: requireString(body.id, 'id', { maxLength: 200 }) }),
    ...(body.sku === undefined ? {} : { sku: requireString(body.sku, 'sku', { maxLength: 200 }) }),
    name: FIELDS.name(body.name),
    description: FIELDS.description(body.description ?? ''),
    price: FIELDS.price(body.price),
    maxQuantityPerCustomer: FIELDS.maxQuantityPerCustomer(body.maxQuantityPerCustomer ?? defaultLimit),
    active: FIELDS.active(body.active ?? true),
    saleStartsAt: FIELDS.saleStartsAt(body.saleStartsAt ?? null),
  };
}

export function parseProductPatch(input: unknown): ProductPatch {
  const body = requireObject(input, 'patch');
  const unknown = Object.keys(body).filter((key) => !(FIELD_NAMES as string[]).includes(key));
  if (unknown.length > 0) throw validationError(`unknown product fields: ${unknown.join(', ')}`, { fields: unknown });
  const patch: Record<string, unknown> = {};
  for (const field of FIELD_NAMES) {
    if (body[field] !== undefined) patch[field] = FIELDS[field](body[field]);
  }
  return patch as ProductPatch;
}
