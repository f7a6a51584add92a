import type { paths, Schemas } from '@limitedcart/client';

/** The JSON body of an operation's `S` answer, for answers the document describes inline. */
type Ok<Operation, S extends number = 200> = Operation extends { responses: Record<S, { content: { 'application/json': infer B } }> } ? B : never;

/**
 * Shapes of the public HTTP API as the storefront reads them: the schemas of `@limitedcart/client`, generated from
 * the server's OpenAPI document, under the names the pages use. Only what the document does not describe (the
 * notification stream's events) is written here.
 */
export type Money = Schemas['Money'];
export type User = Schemas['User'];
export type Role = User['roles'][number];
export type LoginResult = Schemas['SessionResult'];
export type StockLevel = Schemas['StockSnapshot'];
export type Product = Schemas['Product'];
/** What a shopper needs to know about stock; `restockedTotal` lets "selling fast" be relative. */
export type ShopperStock = Pick<NonNullable<Product['stock']>, 'available'> & Partial<Pick<NonNullable<Product['stock']>, 'restockedTotal'>>;
export type ProductFields = Schemas['ProductReplace'];
export type Order = Schemas['Order'];
export type OrderStatus = Order['status'];
export type OrderDetail = Ok<paths['/api/orders/{id}']['get']>;
export type OrderAccepted = Schemas['OrderAccepted'];
export type PaymentInitiated = Schemas['PaymentInitiated'];
export type PaymentLinkView = Schemas['PaymentLink'];
export type Card = Schemas['Card'];
export type StockLine = Schemas['StockLine'];
export type StockSummary = Ok<paths['/api/inventory/summary']['get']>;
export type RestockResult = Schemas['RestockResult'];
export type ReconcileReport = Schemas['ReconcileReport'];
export type AdminMetrics = Schemas['AdminMetrics'];

export const ROLES: readonly Role[] = ['USER', 'WAREHOUSE', 'ADMIN'];
export const ORDER_STATUSES: readonly OrderStatus[] = ['PENDING', 'PAYMENT_PENDING', 'CONFIRMED', 'CANCELLED', 'EXPIRED', 'FAILED'];
export const OPEN_STATUSES: readonly OrderStatus[] = ['PENDING', 'PAYMENT_PENDING'];

/** `order.progress` as pushed on the notification stream (not part of the OpenAPI document: an SSE event). */
export interface OrderProgress {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly reason: string | null;
  readonly at: string;
}
