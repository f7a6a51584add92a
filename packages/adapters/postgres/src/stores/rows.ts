import type { Customer, Order, OrderStatus, Payment, PaymentStatus, Product, Role, Session, SessionRevocation } from '@limitedcart/core';
import { toNumber } from '../sql.js';

/** Column shapes as `pg` returns them; mapping lives here so every store reads rows the same way. */
export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_amount: string;
  currency: string;
  max_quantity_per_customer: number;
  active: boolean;
  archived: boolean;
  sale_starts_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const toProduct = (row: ProductRow): Product => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  description: row.description,
  price: { amount: toNumber(row.price_amount), currency: row.currency },
  maxQuantityPerCustomer: row.max_quantity_per_customer,
  active: row.active,
  archived: row.archived,
  saleStartsAt: row.sale_starts_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface CustomerRow {
  id: string;
  email: string;
  password_hash: string;
  roles: string[];
  disabled: boolean;
  session_version: number;
  created_at: Date;
}

export const toCustomer = (row: CustomerRow): Customer => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  roles: row.roles as Role[],
  disabled: row.disabled,
  sessionVersion: row.session_version,
  createdAt: row.created_at,
});

export interface SessionRow {
  id: string;
  customer_id: string;
  created_at: Date;
  refreshed_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

export const toSession = (row: SessionRow): Session => ({
  id: row.id,
  customerId: row.customer_id,
  createdAt: row.created_at,
  refreshedAt: row.refreshed_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  revokedReason: row.revoked_reason as SessionRevocation | null,
});

export interface OrderRow {
  id: string;
  customer_id: string;
  product_id: string;
  sku: string;
  quantity: number;
  unit_price_amount: string;
  total_amount: string;
  currency: string;
  status: string;
  status_reason: string | null;
  hold_until: Date;
  created_at: Date;
  updated_at: Date;
}

export const toOrder = (row: OrderRow): Order => ({
  id: row.id,
  customerId: row.customer_id,
  productId: row.product_id,
  sku: row.sku,
  quantity: row.quantity,
  unitPrice: { amount: toNumber(row.unit_price_amount), currency: row.currency },
  total: { amount: toNumber(row.total_amount), currency: row.currency },
  status: row.status as OrderStatus,
  statusReason: row.status_reason,
  holdUntil: row.hold_until,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface PaymentRow {
  id: string;
  order_id: string;
  customer_id: string;
  amount: string;
  currency: string;
  status: string;
  token: string;
  gateway_reference: string | null;
  failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export const toPayment = (row: PaymentRow): Payment => ({
  id: row.id,
  orderId: row.order_id,
  customerId: row.customer_id,
  amount: { amount: toNumber(row.amount), currency: row.currency },
  status: row.status as PaymentStatus,
  token: row.token,
  gatewayReference: row.gateway_reference,
  failureReason: row.failure_reason,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Page bounds shared by every list query. */
export const pageBounds = (page: number, size: number): { limit: number; offset: number } => ({
  limit: Math.max(0, Math.trunc(size)),
  offset: Math.max(0, Math.trunc(page)) * Math.max(0, Math.trunc(size)),
});
