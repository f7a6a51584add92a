import type { Role } from '../domain/customer.js';
import { LimitedCartError } from '../domain/errors.js';
import type { Actor } from './ports.js';
import { requireActor } from './validate.js';

/**
 * Who may run each administrative use case: the role matrix, in one place. The use cases enforce it on the actor
 * they are given; the reference server's routes check the same roles before calling them. WAREHOUSE handles stock
 * only: the catalogue and its prices are ADMIN's.
 */
export const PERMISSIONS = {
  /** createProduct, updateProduct (prices included), archiveProduct. */
  manageProducts: ['ADMIN'],
  /** restock. */
  restock: ['ADMIN', 'WAREHOUSE'],
  /** Inactive and archived products in the catalogue; the stock routes (getStockSummary takes no actor). */
  readStock: ['ADMIN', 'WAREHOUSE'],
  /** reconcileStock, with or without repair. */
  reconcileStock: ['ADMIN'],
  /** setCustomerRoles, listCustomers. */
  manageAccounts: ['ADMIN'],
  /** listAuditEntries. */
  readAudit: ['ADMIN'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * The actor of an administrative use case, checked against `PERMISSIONS`: FORBIDDEN unless it holds one of the
 * permission's roles. No actor means trusted code acting as the system (the engine itself, a seed, an integrator's own
 * service): the HTTP routes always pass the authenticated caller, so no request reaches a use case as the system.
 */
export function authorize(actor: unknown, permission: Permission): Actor | undefined {
  if (actor === undefined) return undefined;
  const checked = requireActor(actor);
  const allowed: readonly Role[] = PERMISSIONS[permission];
  if (!checked.roles.some((role) => allowed.includes(role))) {
    throw new LimitedCartError('FORBIDDEN', `${permission} requires one of the roles ${allowed.join(', ')}`, {
      details: { permission, roles: allowed },
    });
  }
  return checked;
}
