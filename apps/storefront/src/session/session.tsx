import { Center, Loader } from '@mantine/core';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { configureClient } from '../api/client.js';
import { hasServerShell } from '../pages/shop/server-shell.js';
import type { Role, User } from '../api/types.js';
import { refreshSession, signIn, signOut, type SignedIn } from './session-api.js';

export interface Session {
  readonly user: User | null;
  /** The current access token (memory only), or null when signed out. */
  readonly token: string | null;
  /** The current access token, read at the moment of use (it changes with every refresh). */
  readonly currentToken: () => string | null;
  readonly login: (email: string, password: string) => Promise<User>;
  readonly logout: () => void;
  readonly hasRole: (...roles: Role[]) => boolean;
}

const SessionContext = createContext<Session | null>(null);

/** Refreshes this long before the access token expires (a fifth of its life at most), so calls never carry an expired one. */
const REFRESH_AHEAD_MS = 30_000;

/** Tabs tell each other "signed in" / "signed out"; never a token. Each tab then refreshes or drops its own. */
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('limitedcart.session');

/**
 * Holds the signed-in user and the access token in memory only: no token is ever written to localStorage or any
 * other storage a script could read. The refresh token is an HttpOnly cookie the server sets; on load the session
 * is restored by a refresh, and it is refreshed again before the access token expires.
 */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [current, setCurrent] = useState<SignedIn | null>(null);
  const [restoring, setRestoring] = useState(true);

  const adopt = useCallback((next: SignedIn | null) => {
    holder.current = next;
    setCurrent(next);
    return next;
  }, []);

  const refresh = useCallback(async () => (await adopt(await refreshSession()))?.accessToken ?? null, [adopt]);

  const logout = useCallback(() => {
    adopt(null);
    void signOut();
    channel?.postMessage('signed-out');
  }, [adopt]);

  // Configured during render, not in an effect: children's effects run first and already call the API.
  configureClient({ token: () => holder.current?.accessToken ?? null, refresh, onUnauthenticated: () => adopt(null) });

  useEffect(() => {
    void refresh().finally(() => setRestoring(false));
  }, [refresh]);

  useEffect(() => {
    if (!current) return;
    const ahead = Math.min(REFRESH_AHEAD_MS, current.lifetimeMs / 5);
    const timer = setTimeout(() => void refresh(), Math.max(0, current.expiresAt - Date.now() - ahead));
    return () => clearTimeout(timer);
  }, [current, refresh]);

  // Another tab signing in or out changes this tab's session too.
  useEffect(() => {
    if (!channel) return;
    const onMessage = (event: MessageEvent) => {
      if (event.data === 'signed-out') adopt(null);
      if (event.data === 'signed-in') void refresh();
    };
    channel.addEventListener('message', onMessage);
    return () => channel.removeEventListener('message', onMessage);
  }, [adopt, refresh]);

  const login = useCallback(
    async (email: string, password: string) => {
      const next = adopt(await signIn(email, password))!;
      channel?.postMessage('signed-in');
      return next.user;
    },
    [adopt],
  );

  const value = useMemo<Session>(
    () => ({
      user: current?.user ?? null,
      token: current?.accessToken ?? null,
      currentToken: () => holder.current?.accessToken ?? null,
      login,
      logout,
      hasRole: (...roles) => current?.user.roles.some((role) => roles.includes(role)) ?? false,
    }),
    [current, login, logout],
  );
  if (restoring) {
    // The server's catalogue stays on screen meanwhile (the layout removes it when it draws the page).
    if (hasServerShell()) return null;
    return (
      <Center h="100vh" aria-busy="true">
        <Loader aria-label="Restoring your session" />
      </Center>
    );
  }
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The latest session outside React's render cycle (the API client and the notification stream read it). */
const holder: { current: SignedIn | null } = { current: null };

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
