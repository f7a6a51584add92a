import { createLimitedCartClient, type LimitedCartClient } from '@limitedcart/client';
import { apiUrl } from './base.js';
import { ApiError, type Problem } from './problem.js';
import { observeResponse } from './server-clock.js';

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

type TokenSource = () => string | null;

let tokenSource: TokenSource = () => null;
let refreshSource: () => Promise<string | null> = async () => null;
let onUnauthenticated: () => void = () => {};

/**
 * The session wires its token in here so every call carries `Authorization: Bearer`, and how to get a new one:
 * a call refused as UNAUTHENTICATED (the token expired, or the account's roles changed) refreshes once and is
 * sent again; only when that fails is the session over.
 */
export function configureClient(options: { token: TokenSource; refresh: () => Promise<string | null>; onUnauthenticated: () => void }): void {
  tokenSource = options.token;
  refreshSource = options.refresh;
  onUnauthenticated = options.onUnauthenticated;
}

export const currentToken = (): string | null => tokenSource();

/** A problem+json body (or anything else a failed answer carried) as a `Problem` with the answer's status. */
const problemOf = (body: unknown, response: Response): Problem => {
  if (typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string') {
    return { ...(body as Problem), status: response.status };
  }
  // Not a problem (a proxy's error page): keep the status and report it generically.
  return { status: response.status, code: `HTTP_${response.status}`, detail: response.statusText || 'request failed' };
};

const parsed = async (response: Response): Promise<unknown> => {
  try {
    return JSON.parse(await response.text()) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * Every request of this app goes through here: the bearer token, one refresh-and-resend on UNAUTHENTICATED, the
 * server's clock read from every answer (`X-Server-Time`, `Date`, a body's `serverTime`), and a network failure
 * turned into the `NETWORK` problem.
 */
async function transport(request: Request, token: string | null = tokenSource(), mayRefresh = true): Promise<Response> {
  const attempt = request.clone();
  if (token) attempt.headers.set('authorization', `Bearer ${token}`);
  const sentAt = Date.now();
  let response: Response;
  try {
    response = await fetch(attempt);
  } catch (error) {
    if (request.signal.aborted) throw error;
    throw new ApiError({ status: 0, code: 'NETWORK', detail: 'network error' });
  }
  const receivedAt = Date.now();
  const json = (response.headers.get('content-type') ?? '').includes('json');
  observeResponse(response, json && response.ok ? await parsed(response.clone()) : undefined, sentAt, receivedAt);
  if (response.status === 401 && token) {
    const problem = problemOf(await parsed(response.clone()), response);
    if (problem.code === 'UNAUTHENTICATED') {
      // Refused at authentication, before the route did anything: sending it again with a fresh token is safe.
      const fresh = mayRefresh ? await refreshSource() : null;
      if (fresh) return transport(request, fresh, false);
      onUnauthenticated();
    }
  }
  return response;
}

/** The typed API client (`@limitedcart/client`, generated from the server's OpenAPI document) over `transport`. */
export const typedApi: LimitedCartClient = createLimitedCartClient({ baseUrl: apiUrl('') || window.location.origin, fetch: (request) => transport(request) });

/** The data of a typed call's 2xx answer; an `ApiError` with the server's problem otherwise. */
export async function call<R extends { data?: unknown; error?: unknown; response: Response }>(pending: Promise<R>): Promise<NonNullable<R['data']>> {
  const { data, error, response } = await pending;
  if (!response.ok) throw new ApiError(problemOf(error, response));
  return data as NonNullable<R['data']>;
}

const urlOf = (path: string, query: RequestOptions['query']): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return new URL(apiUrl(search ? `${path}?${search}` : path), window.location.origin).href;
};

/**
 * The low-level call, for routes the typed client does not know: resolves with the JSON body of a 2xx answer,
 * rejects with an `ApiError` otherwise. Same transport as `typedApi` (token, refresh, server clock).
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const response = await transport(
    new Request(urlOf(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  if (!response.ok) throw new ApiError(problemOf(await parsed(response), response));
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
