import { LimitedCartError, notFound } from '../domain/errors.js';
import type { Customer, Role } from '../domain/customer.js';
import { ROLES } from '../domain/customer.js';
import type { CorePorts } from '../ports/core-ports.js';
import { requireObject, requireString } from './validate.js';

export interface SetCustomerRolesInput {
  readonly customerId: string;
  /** A non-empty set of USER, WAREHOUSE, ADMIN; duplicates are dropped. */
  readonly roles: readonly Role[];
}

/** Replaces an account's roles; NOT_FOUND for an unknown account. */
export async function setCustomerRoles(deps: Pick<CorePorts, 'customers'>, input: SetCustomerRolesInput): Promise<Customer> {
  const request = requireObject(input, 'input');
  const customerId = requireString(request.customerId, 'customerId', { maxLength: 200 });
  const roles = request.roles;
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((role) => (ROLES as readonly unknown[]).includes(role))) {
    throw new LimitedCartError('VALIDATION', `roles must be a non-empty list of ${ROLES.join(', ')}`, { details: { field: 'roles' } });
  }
  const updated = await deps.customers.setRoles(customerId, [...new Set(roles as Role[])]);
  if (updated === null) throw notFound('customer', customerId);
  return updated;
}
