import type { Role } from '../api/types.js';

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
