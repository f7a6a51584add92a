import type { Order } from '@limitedcart/core';

/** The order as this app's clients see it: the engine's dates become ISO strings. */
export const orderView = (order: Order) => ({
  orderId: order.id,
  status: order.status,
  statusReason: order.statusReason,
  productId: order.productId,
  quantity: order.quantity,
  total: order.total,
  holdUntil: order.holdUntil.toISOString(),
  createdAt: order.createdAt.toISOString(),
});
