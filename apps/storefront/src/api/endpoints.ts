import { apiUrl } from './base.js';
import { call, currentToken, typedApi as http } from './client.js';
import type { Card, OrderStatus, ProductFields, Role } from './types.js';

/**
 * The API routes the storefront uses, through the typed client generated from the server's OpenAPI document: a
 * path, parameter or body that the document does not allow does not compile. Each resolves with the answer's data
 * or rejects with an `ApiError` carrying the server's problem.
 */
const idempotent = (key: string) => ({ header: { 'idempotency-key': key } });

export const auth = {
  register: (email: string, password: string) => call(http.POST('/api/auth/register', { body: { email, password } })),
  me: () => call(http.GET('/api/auth/me')),
};

export const products = {
  list: ({ includeInactive, ...query }: { page?: number; size?: number; includeInactive?: boolean } = {}) =>
    call(http.GET('/api/products', { params: { query: includeInactive ? { ...query, includeInactive: 'true' } : query } })),
  search: (q: string, size = 50) => call(http.GET('/api/products/search', { params: { query: { q, size } } })),
  get: (id: string) => call(http.GET('/api/products/{id}', { params: { path: { id } } })),
  create: (fields: ProductFields) => call(http.POST('/api/products', { body: fields })),
  update: (id: string, patch: Partial<ProductFields>) => call(http.PATCH('/api/products/{id}', { params: { path: { id } }, body: patch })),
  archive: (id: string) => call(http.DELETE('/api/products/{id}', { params: { path: { id } } })),
};

type OrderQuery = { page?: number; size?: number; status?: OrderStatus; productId?: string; customerId?: string };
/** The admin's filters: also part of a customer's email, any case. */
type AdminOrderQuery = OrderQuery & { customerEmail?: string };

export const orders = {
  place: (productId: string, quantity: number, idempotencyKey: string) =>
    call(http.POST('/api/orders', { params: idempotent(idempotencyKey), body: { productId, quantity } })),
  list: (query: OrderQuery = {}) => call(http.GET('/api/orders', { params: { query } })),
  get: (id: string) => call(http.GET('/api/orders/{id}', { params: { path: { id } } })),
  cancel: (id: string) => call(http.POST('/api/orders/{id}/cancel', { params: { path: { id } } })),
};

export const payments = {
  initiate: (orderId: string) => call(http.POST('/api/payments/initiate', { body: { orderId } })),
  link: (token: string) => call(http.GET('/api/payments/link/{token}', { params: { path: { token } } })),
  process: (token: string, card: Card) => call(http.POST('/api/payments/process', { body: { token, card } })),
};

/** The token of a payment link; the link may carry the server's public URL, the storefront serves the same path. */
export const paymentToken = (paymentLink: string): string =>
  decodeURIComponent(new URL(paymentLink, window.location.origin).pathname.split('/').at(-1) ?? '');

export const inventory = {
  stock: (productIds?: readonly string[]) =>
    call(http.GET('/api/inventory/stock', { params: { query: productIds?.length ? { productId: [...productIds] } : {} } })),
  summary: () => call(http.GET('/api/inventory/summary')),
  restock: (productId: string, quantity: number, idempotencyKey: string) =>
    call(http.POST('/api/inventory/restock', { params: idempotent(idempotencyKey), body: { productId, quantity } })),
  reconcile: () => call(http.GET('/api/inventory/reconcile')),
  repair: () => call(http.POST('/api/inventory/reconcile')),
};

export const admin = {
  users: (query: { page?: number; size?: number; email?: string } = {}) => call(http.GET('/api/admin/users', { params: { query } })),
  setRoles: (id: string, roles: readonly Role[]) => call(http.PATCH('/api/admin/users/{id}/roles', { params: { path: { id } }, body: { roles: [...roles] } })),
  setDisabled: (id: string, disabled: boolean) => call(http.PATCH('/api/admin/users/{id}', { params: { path: { id } }, body: { disabled } })),
  metrics: () => call(http.GET('/api/admin/metrics')),
  orders: (query: AdminOrderQuery = {}) => call(http.GET('/api/admin/orders', { params: { query } })),
};

/**
 * POST /orders outcomes counted by this server (`limitedcart_orders_total` on the Prometheus endpoint, which
 * answers ADMIN access tokens): `accepted` or a rejection code. Per replica: behind a load balancer it is one
 * replica's view. Prometheus text, not JSON: outside the typed client.
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
