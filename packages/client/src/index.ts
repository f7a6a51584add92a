import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths } from './schema.js';

/** Every named schema of the API: `Schemas['Product']`, `Schemas['Order']`, `Schemas['Problem']`… */
export type Schemas = components['schemas'];

/** A client typed by the API's paths: `GET`, `POST`, `PUT`, `PATCH`, `DELETE` with checked paths, parameters and bodies. */
export type LimitedCartClient = Client<paths>;

/** The bearer token to send: a fixed string, or read before each request (a session that refreshes its token). */
export type TokenSource = string | (() => string | null | undefined | Promise<string | null | undefined>);

export interface LimitedCartClientOptions {
  /** Where the API is, e.g. `https://shop.example.com` (paths start with `/api/`). */
  readonly baseUrl: string;
  /** The fetch to use (a test double, a fetch with retries); the global fetch by default. */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Sent as `Authorization: Bearer <token>` when present. */
  readonly token?: TokenSource;
}

const bearer = (token: TokenSource): Middleware => ({
  async onRequest({ request }) {
    const value = typeof token === 'string' ? token : await token();
    if (value) request.headers.set('authorization', `Bearer ${value}`);
    return request;
  },
});

/**
 * A typed client of the LimitedCart HTTP API. Each call resolves with `{ data }` for a 2xx answer or `{ error }`
 * (the RFC 9457 problem, with its stable `code`) otherwise, and the `response` either way:
 *
 * ```ts
 * const api = createLimitedCartClient({ baseUrl: 'http://localhost:3000', token: accessToken });
 * const { data, error } = await api.POST('/api/orders', {
 *   params: { header: { 'idempotency-key': crypto.randomUUID() } },
 *   body: { productId, quantity: 1 },
 * });
 * ```
 */
export function createLimitedCartClient(options: LimitedCartClientOptions): LimitedCartClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (options.token !== undefined) client.use(bearer(options.token));
  return client;
}
