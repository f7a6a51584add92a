import type { CatalogueEntry, Order, Payment, Product, StaffOrder } from '@limitedcart/core';

/** Domain objects as the API shows them: ISO dates, and nothing internal (no SKU mapping, no payment token). */

export const productView = (product: Product) => ({
  id: product.id,
  name: product.name,
  description: product.description,
  price: { amount: product.price.amount, currency: product.price.currency },
  maxQuantityPerCustomer: product.maxQuantityPerCustomer,
  active: product.active,
  archived: product.archived,
  saleStartsAt: product.saleStartsAt?.toISOString() ?? null,
  createdAt: product.createdAt.toISOString(),
  updatedAt: product.updatedAt.toISOString(),
});

/** A catalogue entry as shoppers see it: the product with its live stock ("12 left"). */
export const entryView = ({ product, stock }: CatalogueEntry) => ({ ...productView(product), stock });

export const orderView = (order: Order) => ({
  id: order.id,
  customerId: order.customerId,
  productId: order.productId,
  quantity: order.quantity,
  unitPrice: { amount: order.unitPrice.amount, currency: order.unitPrice.currency },
  total: { amount: order.total.amount, currency: order.total.currency },
  status: order.status,
  statusReason: order.statusReason,
  holdUntil: order.holdUntil.toISOString(),
  createdAt: order.createdAt.toISOString(),
  updatedAt: order.updatedAt.toISOString(),
});

/** An order in an administrator's list: with the email of its customer (null when the account is gone). */
export const staffOrderView = (order: StaffOrder) => ({ ...orderView(order), customerEmail: order.customerEmail });

export const paymentView = (payment: Payment) => ({
  id: payment.id,
  orderId: payment.orderId,
  amount: { amount: payment.amount.amount, currency: payment.amount.currency },
  status: payment.status,
  failureReason: payment.failureReason,
  createdAt: payment.createdAt.toISOString(),
  updatedAt: payment.updatedAt.toISOString(),
});
