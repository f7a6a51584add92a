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

const urlOf = (path: string, query: RequestOptions['query']): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return apiUrl(search ? `${path}?${search}` : path);
};

const problemOf = async (response: Response): Promise<Problem> => {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as Partial<Problem>;
    if (typeof parsed.code === 'string') return { ...parsed, status: response.status, code: parsed.code };
  } catch {
    // Not JSON (a proxy's error page): keep the status and report it generically below.
  }
  return { status: response.status, code: `HTTP_${response.status}`, detail: response.statusText || 'request failed' };
};

/** Calls the API; resolves with the JSON body of a 2xx answer, rejects with an `ApiError` otherwise. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return send<T>(path, options, tokenSource(), true);
}

async function send<T>(path: string, options: RequestOptions, token: string | null, mayRefresh: boolean): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let response: Response;
  const sentAt = Date.now();
  try {
    response = await fetch(urlOf(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError({ status: 0, code: 'NETWORK', detail: 'network error' });
  }
  const receivedAt = Date.now();
  if (!response.ok) {
    observeResponse(response, undefined, sentAt, receivedAt);
    const problem = await problemOf(response);
    if (problem.code === 'UNAUTHENTICATED' && token) {
      // Refused at authentication, before the route did anything: sending it again with a fresh token is safe.
      const fresh = mayRefresh ? await refreshSource() : null;
      if (fresh) return send<T>(path, options, fresh, false);
      onUnauthenticated();
    }
    throw new ApiError(problem);
  }
  if (response.status === 204) {
    observeResponse(response, undefined, sentAt, receivedAt);
    return undefined as T;
  }
  const body = (await response.json()) as T;
  observeResponse(response, body, sentAt, receivedAt);
  return body;
}
