import { z } from '@hono/zod-openapi';
import { ORDER_STATUSES, PAYMENT_STATUSES, ROLES } from '@limitedcart/core';

/**
 * Request and response schemas. Request schemas are strict (unknown fields are a 400) and list only what a
 * caller may set: ids, statuses, timestamps and prices computed by the server are never accepted.
 */

/** C0 and C1 control characters (tab and line breaks included), as a regex character-class body. */
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f';
/**
 * The rest of what `String.prototype.trim` removes, spelled out: `\\s` differs between JavaScript and the clients
 * that read the OpenAPI patterns (Python's excludes U+FEFF), so no pattern here uses it.
 */
const SPACE = ' \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const SINGLE_LINE = new RegExp(`^[^${CONTROL}]*$`);
const NOT_BLANK = new RegExp(`^[^${CONTROL}]*[^${CONTROL}${SPACE}][^${CONTROL}]*$`);
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters.
const MULTI_LINE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/;

/**
 * Every string a caller sends: no control characters, refused here with a generic message. NUL cannot be stored by
 * Postgres at all (its error text used to reach the response), and the others have no place in an id, a name or an
 * email (log and header injection). The pattern is in the OpenAPI document, so clients know before they send.
 */
export const text = () => z.string().regex(SINGLE_LINE, 'control characters are not allowed');

/** Like `text`, and not blank: ids, names and card fields, which the engine refuses when they are only spaces. */
export const nonBlankText = () => z.string().regex(NOT_BLANK, 'must not be blank or contain control characters');

/** Free text that may span lines: tab, line feed and carriage return are allowed, other control characters are not. */
export const multilineText = () => z.string().regex(MULTI_LINE, 'control characters other than tab and line breaks are not allowed');

/** ISO 4217 codes the engine knows (the runtime's ICU list, as core's `isCurrencyCode`), listed so clients know them. */
const CURRENCIES = Intl.supportedValuesOf('currency') as [string, ...string[]];

export const MoneySchema = z
  .strictObject({
    amount: z.number().int().min(0).max(100_000_000).openapi({ description: 'Integer minor units of the currency (cents for USD).', example: 12_900 }),
    currency: z.enum(CURRENCIES).openapi({ description: 'ISO 4217 code, e.g. USD (2 minor units), JPY (0), KWD (3)', example: 'USD' }),
  })
  .openapi('Money');

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ example: 'OUT_OF_STOCK' }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ in: z.string(), field: z.string(), message: z.string(), rule: z.string().optional() }))
      .optional(),
  })
  .openapi('Problem');

/** `Idempotency-Key` on the POSTs that honour it (orders, restock). */
export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, '1-200 visible ASCII characters')
    .optional()
    .openapi({ description: 'Same key + same body replays the first response; another body is 422.' }),
});

export const IdParam = z.object({
  id: nonBlankText().max(200).openapi({ param: { name: 'id', in: 'path' }, example: '0b5f6c1e-8d1e-4c53-9a0c-6f2e2d1b7a10' }),
});

/**
 * An integer in a query string, written as one: `2`, not `2.0`, `2e0` or ` 2` (which a coercing parser takes, while
 * the document says integer). The OpenAPI type is the integer it becomes.
 */
const queryInteger = (min: number, max: number, fallback: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^-?(0|[1-9][0-9]{0,14})$/.test(value) ? Number(value) : value),
    z.number({ error: 'must be an integer written in digits' }).int().min(min).max(max).default(fallback),
  );

export const PagingQuery = z.object({
  page: queryInteger(0, 100_000, 0).openapi({ description: '0-based page.' }),
  size: queryInteger(1, 100, 20),
});

// Whitespace as JavaScript's \s and Python's \s both know it, spelled out so every client reads the pattern alike.
const NOT_EMAIL_CHARACTER = '\\s@\\u0000-\\u001f\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const EMAIL_PATTERN = new RegExp(`^[^${NOT_EMAIL_CHARACTER}]{1,64}@[^${NOT_EMAIL_CHARACTER}]{1,255}\\.[^${NOT_EMAIL_CHARACTER}]{2,}$`);

/**
 * An email as accounts take it: `local@domain.tld`, no whitespace or control characters. Not `format: email`, which
 * promises all of RFC 5322 (quoted local parts, comments) that no account system here accepts; the pattern says
 * exactly what is.
 */
export const EmailSchema = z.string().max(320).regex(EMAIL_PATTERN, 'must be an email address such as name@example.com');

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({ items: z.array(item), page: z.number().int(), size: z.number().int(), total: z.number().int() })
    .openapi(name);

export const RoleSchema = z.enum(ROLES);

export const UserSchema = z
  .object({ id: z.string(), email: z.string(), roles: z.array(RoleSchema), disabled: z.boolean(), createdAt: z.string() })
  .openapi('User');

export const ProductSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    price: MoneySchema,
    maxQuantityPerCustomer: z.number().int().openapi({ description: '0 means no per-customer limit.' }),
    active: z.boolean(),
    archived: z.boolean(),
    saleStartsAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    stock: z
      .object({ available: z.number().int(), restockedTotal: z.number().int() })
      .optional()
      .openapi({ description: 'Units left and units ever stocked (shopper reads only).' }),
  })
  .openapi('Product');

const productFields = {
  name: nonBlankText().max(200).trim(),
  description: multilineText().max(10_000),
  price: MoneySchema,
  maxQuantityPerCustomer: z.number().int().min(0).max(10_000),
  active: z.boolean(),
  saleStartsAt: z.iso.datetime({ offset: true }).nullable().openapi({ example: '2026-12-01T10:00:00Z' }),
};

export const ProductCreateBody = z
  .strictObject({
    ...productFields,
    description: productFields.description.optional(),
    maxQuantityPerCustomer: productFields.maxQuantityPerCustomer
      .optional()
      .openapi({ description: 'Units one customer may hold + buy; 0 means no per-product limit. Default: DEFAULT_LIMIT_PER_CUSTOMER (2).' }),
    active: productFields.active.optional(),
    saleStartsAt: productFields.saleStartsAt.optional(),
  })
  .openapi('ProductCreate');

/** PUT replaces every writable field; `saleStartsAt` may be omitted (meaning: no scheduled start). */
export const ProductReplaceBody = z
  .strictObject({ ...productFields, saleStartsAt: productFields.saleStartsAt.optional() })
  .openapi('ProductReplace');

export const ProductPatchBody = z
  .strictObject({
    name: productFields.name.optional(),
    description: productFields.description.optional(),
    price: productFields.price.optional(),
    maxQuantityPerCustomer: productFields.maxQuantityPerCustomer.optional(),
    active: productFields.active.optional(),
    saleStartsAt: productFields.saleStartsAt.optional(),
  })
  .openapi('ProductPatch');

export const OrderStatusSchema = z.enum(ORDER_STATUSES);

export const OrderSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    productId: z.string(),
    quantity: z.number().int(),
    unitPrice: MoneySchema,
    total: MoneySchema,
    status: OrderStatusSchema,
    statusReason: z.string().nullable(),
    holdUntil: z.string().openapi({
      format: 'date-time',
      description: 'When the stock hold ends; a payment starting near it extends it once by `PAYMENT_GRACE_SECONDS`.',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Order');

export const StaffOrderSchema = OrderSchema.extend({
  customerEmail: z.string().nullable().openapi({ description: "The email of the order's account; null when the account was deleted." }),
}).openapi('StaffOrder');

export const PlaceOrderBody = z
  .strictObject({
    productId: nonBlankText().max(200),
    quantity: z.number().int().min(1).max(10_000).default(1),
    admissionToken: z
      .string()
      .min(1)
      .max(4_096)
      .optional()
      .openapi({ description: 'For a product with a queue: the admission token (`queue.admitted` event, `GET /api/drops/{productId}/queue/me`). Ignored for other products.' }),
  })
  .openapi('PlaceOrder');

export const OrderAcceptedSchema = z
  .object({ orderId: z.string(), status: OrderStatusSchema, holdUntil: z.string(), total: MoneySchema })
  .openapi('OrderAccepted');

export const PaymentStatusSchema = z.enum(PAYMENT_STATUSES);

export const PaymentSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    amount: MoneySchema,
    status: PaymentStatusSchema,
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Payment');

export const CardSchema = z
  .strictObject({
    number: z.string().regex(/^[0-9][0-9 -]{10,21}[0-9]$/, 'card digits, spaces or dashes allowed').openapi({ example: '4242424242424242' }),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(2000).max(2100),
    cvc: z.string().regex(/^[0-9]{3,4}$/, '3 or 4 digits'),
    holder: nonBlankText().max(128).trim(),
  })
  .openapi('Card');

export const StockLineSchema = z
  .object({
    productId: z.string(),
    sku: z.string(),
    name: z.string(),
    active: z.boolean(),
    archived: z.boolean(),
    available: z.number().int(),
    held: z.number().int(),
    sold: z.number().int(),
    restockedTotal: z.number().int(),
  })
  .openapi('StockLine');

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const problem = (description: string) => ({
  content: { 'application/problem+json': { schema: ProblemSchema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

/** Responses every authenticated route may give. */
export const AUTH_PROBLEMS = {
  401: problem('Missing, malformed, expired or otherwise invalid access token (`UNAUTHENTICATED`).'),
  403: problem('The caller lacks the required role (`FORBIDDEN`).'),
} as const;

export const BEARER = [{ bearerAuth: [] }];
