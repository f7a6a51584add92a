import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/** The refresh token's cookie: sent only to the routes that read it. */
export const REFRESH_COOKIE = 'limitedcart_refresh';
const COOKIE_PATH = '/api/auth';

export interface RefreshCookieSettings {
  /** `auto`: Secure when the public URL or the request itself is https (a plain-http dev server would never get it back). */
  readonly secure: 'auto' | boolean;
  readonly publicUrl: () => string;
}

const isSecure = (c: Context, settings: RefreshCookieSettings): boolean =>
  settings.secure === 'auto' ? settings.publicUrl().startsWith('https:') || new URL(c.req.url).protocol === 'https:' : settings.secure;

/**
 * HttpOnly (no script, so no XSS, ever reads it), SameSite=Strict (no other site's page sends it) and scoped to
 * `/api/auth`, so no other route receives it.
 */
export function setRefreshCookie(c: Context, settings: RefreshCookieSettings, token: string, maxAgeSeconds: number): void {
  setCookie(c, REFRESH_COOKIE, token, {
    httpOnly: true,
    secure: isSecure(c, settings),
    sameSite: 'Strict',
    path: COOKIE_PATH,
    maxAge: maxAgeSeconds,
  });
}

export const readRefreshCookie = (c: Context): string | undefined => getCookie(c, REFRESH_COOKIE);

export function clearRefreshCookie(c: Context, settings: RefreshCookieSettings): void {
  deleteCookie(c, REFRESH_COOKIE, { path: COOKIE_PATH, secure: isSecure(c, settings), httpOnly: true, sameSite: 'Strict' });
}
