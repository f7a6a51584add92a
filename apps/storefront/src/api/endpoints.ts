import { apiUrl } from './base.js';
import { api, currentToken } from './client.js';
import type {
  Card,
  LoginResult,
  Money,
  Order,
  OrderAccepted,
  OrderDetail,
  OrderStatus,
  Page,
  PaymentInitiated,
  PaymentLinkView,
  Product,
  ProductFields,
  ReconcileReport,
  RestockResult,
  Role,
  StockLevel,
  StockLine,
  StockSummary,
  User,
} from './types.js';

/** One typed function per API route the storefront uses. */

export const auth = {
  register: (email: string, password: string) =>
    api<{ user: User }>('/api/auth/register', { method: 'POST', body: { email, password } }),
  login: (email: string, password: string) => api<LoginResult>('/api/auth/login', { method: 'POST', body: { email, password } }),
  me: () => api<{ user: User }>('/api/auth/me'),
};

export const products = {
  list: (query: { page?: number; size?: number; includeInactive?: boolean } = {}) =>
    api<Page<Product>>('/api/products', { query }),
  search: (q: string, size = 50) => api<Page<Product>>('/api/products/search', { query: { q, size } }),
  get: (id: string) => api<{ product: Product }>(`/api/products/${encodeURIComponent(id)}`),
  create: (fields: ProductFields) => api<{ product: Product }>('/api/products', { method: 'POST', body: fields }),
  update: (id: string, patch: Partial<ProductFields>) =>
    api<{ product: Product }>(`/api/products/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
  archive: (id: string) => api<{ product: Product }>(`/api/products/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};

export const orders = {
  place: (productId: string, quantity: number, idempotencyKey: string) =>
    api<OrderAccepted>('/api/orders', { method: 'POST', body: { productId, quantity }, idempotencyKey }),
  list: (query: { page?: number; size?: number; status?: OrderStatus; productId?: string; customerId?: string } = {}) =>
    api<Page<Order>>('/api/orders', { query }),
  get: (id: string) => api<OrderDetail>(`/api/orders/${encodeURIComponent(id)}`),
  cancel: (id: string) => api<{ order: Order }>(`/api/orders/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
};

export const payments = {
  initiate: (orderId: string) => api<PaymentInitiated>('/api/payments/initiate', { method: 'POST', body: { orderId } }),
  link: (token: string) => api<PaymentLinkView>(`/api/payments/link/${encodeURIComponent(token)}`),
  process: (token: string, card: Card) =>
    api<{ paymentId: string; orderId: string; outcome: 'succeeded' }>('/api/payments/process', {
      method: 'POST',
      body: { token, card },
    }),
};

/** The token of a payment link; the link may carry the server's public URL, the storefront serves the same path. */
export const paymentToken = (paymentLink: string): string =>
  decodeURIComponent(new URL(paymentLink, window.location.origin).pathname.split('/').at(-1) ?? '');

export const inventory = {
  stock: (productIds?: readonly string[]) =>
    api<{ items: readonly StockLine[] }>(
      productIds?.length ? `/api/inventory/stock?${productIds.map((id) => `productId=${encodeURIComponent(id)}`).join('&')}` : '/api/inventory/stock',
    ),
  summary: () => api<StockSummary>('/api/inventory/summary'),
  restock: (productId: string, quantity: number, idempotencyKey: string) =>
    api<RestockResult>('/api/inventory/restock', { method: 'POST', body: { productId, quantity }, idempotencyKey }),
  reconcile: () => api<ReconcileReport>('/api/inventory/reconcile'),
  repair: () => api<ReconcileReport>('/api/inventory/reconcile', { method: 'POST' }),
};

export const admin = {
  users: (query: { page?: number; size?: number } = {}) => api<Page<User>>('/api/admin/users', { query }),
  setRoles: (id: string, roles: readonly Role[]) =>
    api<{ user: User }>(`/api/admin/users/${encodeURIComponent(id)}/roles`, { method: 'PATCH', body: { roles } }),
  setDisabled: (id: string, disabled: boolean) =>
    api<{ user: User }>(`/api/admin/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: { disabled } }),
  metrics: () => api<AdminMetrics>('/api/admin/metrics'),
  orders: (query: { page?: number; size?: number; status?: OrderStatus; productId?: string; customerId?: string } = {}) =>
    api<Page<Order>>('/api/admin/orders', { query }),
};

/** `GET /api/admin/metrics`: business figures for the dashboard. */
export interface AdminMetrics {
  readonly ordersByStatus: Record<OrderStatus, number>;
  readonly usersByRole: Record<Role, number>;
  readonly confirmedRevenue: Money;
  readonly stock: StockLevel;
  readonly notificationStreams: number;
}

/**
 * POST /orders outcomes counted by this server (`limitedcart_orders_total` on the Prometheus endpoint, which
 * answers ADMIN access tokens): `accepted` or a rejection code. Per replica: behind a load balancer it is one
 * replica's view.
 */
export async function orderOutcomes(signal?: AbortSignal): Promise<Record<string, number>> {
  const token = currentToken();
  const response = await fetch(apiUrl('/metrics'), {
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) return {};
  const outcomes: Record<string, number> = {};
  for (const match of (await response.text()).matchAll(/^limitedcart_orders_total\{outcome="([^"]+)"\} (\S+)$/gm)) {
    outcomes[match[1]!] = Number(match[2]);
  }
  return outcomes;
}
