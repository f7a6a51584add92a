import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { configureClient } from '../api/client.js';
import { auth } from '../api/endpoints.js';
import type { Role, User } from '../api/types.js';

const STORAGE_KEY = 'limitedcart.session';

interface StoredSession {
  readonly token: string;
  readonly expiresAt: number;
  readonly user: User;
}

export interface Session {
  readonly user: User | null;
  readonly token: string | null;
  readonly login: (email: string, password: string) => Promise<User>;
  readonly logout: () => void;
  readonly hasRole: (...roles: Role[]) => boolean;
}

const SessionContext = createContext<Session | null>(null);

const load = (): StoredSession | null => {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as StoredSession | null;
    return parsed && parsed.expiresAt > Date.now() ? parsed : null;
  } catch {
    return null;
  }
};

/**
 * Holds the signed-in user and access token (kept in localStorage until it expires, so a reload keeps the
 * session), and hands the token to the API client.
 */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [stored, setStored] = useState<StoredSession | null>(load);

  const logout = useCallback(() => {
    localStorage.removeItem(STORAGE_KEY);
    setStored(null);
  }, []);

  // Configured during render, not in an effect: children's effects run first and already call the API.
  configureClient({ token: () => stored?.token ?? null, onUnauthenticated: logout });

  useEffect(() => {
    if (!stored) return;
    const timer = setTimeout(logout, Math.max(0, stored.expiresAt - Date.now()));
    return () => clearTimeout(timer);
  }, [stored, logout]);

  // Another tab signing in or out changes this tab's session too.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === STORAGE_KEY) setStored(load());
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const login = useCallback(async (email: string, password: string) => {
    const result = await auth.login(email, password);
    const next: StoredSession = { token: result.accessToken, expiresAt: Date.now() + result.expiresIn * 1000, user: result.user };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    setStored(next);
    return result.user;
  }, []);

  const value = useMemo<Session>(
    () => ({
      user: stored?.user ?? null,
      token: stored?.token ?? null,
      login,
      logout,
      hasRole: (...roles) => stored?.user.roles.some((role) => roles.includes(role)) ?? false,
    }),
    [stored, login, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
