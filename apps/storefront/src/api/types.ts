/** Shapes of the public HTTP API (ARCHITECTURE §6) as the storefront reads them. */

export type Role = 'USER' | 'WAREHOUSE' | 'ADMIN';
export const ROLES: readonly Role[] = ['USER', 'WAREHOUSE', 'ADMIN'];

export type OrderStatus = 'PENDING' | 'PAYMENT_PENDING' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED' | 'FAILED';
export const ORDER_STATUSES: readonly OrderStatus[] = ['PENDING', 'PAYMENT_PENDING', 'CONFIRMED', 'CANCELLED', 'EXPIRED', 'FAILED'];
export const OPEN_STATUSES: readonly OrderStatus[] = ['PENDING', 'PAYMENT_PENDING'];

/** Integer minor units. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export interface User {
  readonly id: string;
  readonly email: string;
  readonly roles: readonly Role[];
  /** A locked account: it cannot sign in, and its sessions were ended. */
  readonly disabled?: boolean;
  readonly createdAt?: string;
}

export interface LoginResult {
  readonly accessToken: string;
  readonly tokenType: string;
  readonly expiresIn: number;
  readonly user: User;
}

export interface StockLevel {
  readonly available: number;
  readonly held: number;
  readonly sold: number;
  readonly restockedTotal: number;
}

/** What a shopper needs to know about stock; `restockedTotal` lets "selling fast" be relative. */
export interface ShopperStock {
  readonly available: number;
  readonly restockedTotal?: number;
}

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly price: Money;
  /** 0 means no per-customer limit. */
  readonly maxQuantityPerCustomer: number;
  readonly active: boolean;
  readonly archived: boolean;
  readonly saleStartsAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Live stock, on servers that publish it to shoppers (staff read the inventory API instead). */
  readonly stock?: ShopperStock;
}

export interface ProductFields {
  readonly name: string;
  readonly description: string;
  readonly price: Money;
  readonly maxQuantityPerCustomer: number;
  readonly active: boolean;
  readonly saleStartsAt: string | null;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly page: number;
  readonly size: number;
  readonly total: number;
}

export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly productId: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly total: Money;
  readonly status: OrderStatus;
  readonly statusReason: string | null;
  readonly holdUntil: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** `GET /api/orders/{id}`. Servers that keep an order payable after a decline add its latest payment attempt. */
export interface OrderDetail {
  readonly order: Order;
  readonly lastPayment?: { readonly status: string; readonly failureReason: string | null } | null;
}

export interface OrderAccepted {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly holdUntil: string;
  readonly total: Money;
}

export interface PaymentInitiated {
  readonly paymentId: string;
  readonly paymentLink: string;
  readonly amount: Money;
}

export interface PaymentLinkView {
  readonly paymentId: string;
  readonly orderId: string;
  readonly amount: Money;
  /** The link's latest attempt: INITIATED, SUCCEEDED, DECLINED, ERROR, REFUNDED. */
  readonly status: string;
  /** Servers that keep an order payable after a decline also say how it stands and until when. */
  readonly failureReason?: string | null;
  readonly orderStatus?: OrderStatus | null;
  readonly holdUntil?: string | null;
}

export interface Card {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc: string;
  readonly holder: string;
}

export interface StockLine extends StockLevel {
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly active: boolean;
  readonly archived: boolean;
}

export interface StockSummary {
  readonly totals: StockLevel;
  readonly products: number;
  readonly items: readonly StockLine[];
}

export interface RestockResult {
  readonly productId: string;
  readonly applied: boolean;
  readonly stock: StockLevel;
}

export interface ReconcileSku {
  readonly sku: string;
  readonly inSync: boolean;
  readonly ledger: StockLevel | null;
  readonly admit: StockLevel | null;
  readonly delta: StockLevel;
  readonly holdMismatches: number;
}

export interface ReconcileReport {
  readonly mode: 'tiered' | 'ledger';
  readonly inSync: boolean;
  readonly skus: readonly ReconcileSku[];
}

/** `order.progress` as pushed on the notification stream. */
export interface OrderProgress {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly reason: string | null;
  readonly at: string;
}
