import { apiUrl } from '../api/base.js';
import { ApiError } from '../api/problem.js';
import type { LoginResult, User } from '../api/types.js';

/** A signed-in session as this tab holds it: in memory, never in storage. */
export interface SignedIn {
  readonly accessToken: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  readonly lifetimeMs: number;
  readonly user: User;
}

const signedIn = (result: LoginResult): SignedIn => ({
  accessToken: result.accessToken,
  expiresAt: Date.now() + result.expiresIn * 1000,
  lifetimeMs: result.expiresIn * 1000,
  user: result.user,
});

const post = (path: string, body?: unknown) =>
  fetch(apiUrl(path), {
    method: 'POST',
    // The refresh cookie (HttpOnly, SameSite=Strict, Path=/api/auth) rides along on these calls: on the same origin,
    // and from a storefront on another origin of the same site, which the API allows credentials for on /api/auth.
    credentials: 'include',
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/**
 * Runs `work` while holding a lock shared by every tab of this origin: a refresh token works once, so two tabs
 * refreshing with the same cookie at once would look like a replay and end the session. The second tab waits and
 * then sends the cookie the first one received.
 */
const exclusive = <T,>(work: () => Promise<T>): Promise<T> =>
  typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request('limitedcart.refresh', work) : work();

let inFlight: Promise<SignedIn | null> | null = null;

/** Exchanges the refresh cookie for a new access token; null when there is no session (any more). */
export function refreshSession(): Promise<SignedIn | null> {
  // One refresh at a time in this tab too: callers arriving meanwhile share its answer.
  inFlight ??= exclusive(async () => {
    try {
      const response = await post('/api/auth/refresh');
      return response.ok ? signedIn((await response.json()) as LoginResult) : null;
    } catch {
      return null;
    }
  }).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

export async function signIn(email: string, password: string): Promise<SignedIn> {
  const response = await exclusive(() => post('/api/auth/login', { email, password }));
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const code = typeof body.code === 'string' ? body.code : `HTTP_${response.status}`;
    throw new ApiError({ ...body, status: response.status, code, detail: typeof body.detail === 'string' ? body.detail : 'sign-in failed' });
  }
  return signedIn(body as unknown as LoginResult);
}

/** Ends this session on the server (which clears the cookie). Best effort: the tab forgets its token anyway. */
export async function signOut(): Promise<void> {
  await exclusive(() => post('/api/auth/logout')).catch(() => undefined);
}
