import type { Role, User } from '../api/types.js';

export interface NavItem {
  readonly to: string;
  readonly label: string;
  /** Shown when the user has one of these roles; empty means everyone, signed in or not. */
  readonly roles: readonly Role[];
}

/** What each role can reach. The server enforces the same roles; this only hides what would be refused. */
export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'Shop', roles: [] },
  { to: '/orders', label: 'My orders', roles: ['USER'] },
  { to: '/admin', label: 'Dashboard', roles: ['ADMIN'] },
  // The catalogue and its prices are ADMIN's; WAREHOUSE handles stock only (docs/security.md).
  { to: '/admin/products', label: 'Products', roles: ['ADMIN'] },
  { to: '/admin/orders', label: 'All orders', roles: ['ADMIN'] },
  { to: '/admin/users', label: 'Users & roles', roles: ['ADMIN'] },
  { to: '/warehouse', label: 'Stock', roles: ['ADMIN', 'WAREHOUSE'] },
  { to: '/warehouse/reconcile', label: 'Reconcile', roles: ['ADMIN'] },
];

export const visibleItems = (roles: readonly Role[]): readonly NavItem[] =>
  NAV_ITEMS.filter((item) => item.roles.length === 0 || item.roles.some((role) => roles.includes(role)));

/** The `next` page of a sign-in or sign-up link, when it is a path on this site (never another origin). */
export const nextPage = (params: URLSearchParams): string | null => {
  const next = params.get('next');
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && !/^\/(login|register)\b/.test(next) ? next : null;
};

/** `to` with the page to come back to, for links between sign-in and sign-up. */
export const withNext = (to: string, next: string | null): string => (next ? `${to}?next=${encodeURIComponent(next)}` : to);

/** Where a user lands after signing in without a `next`: the first page of their main role. */
export const homeOf = (user: User): string =>
  user.roles.includes('ADMIN') ? '/admin' : user.roles.includes('WAREHOUSE') ? '/warehouse' : '/';
