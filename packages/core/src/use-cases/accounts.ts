import { LimitedCartError, notFound } from '../domain/errors.js';
import type { Customer, Role } from '../domain/customer.js';
import { ROLES } from '../domain/customer.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { Page } from '../ports/stores.js';
import type { Actor } from './ports.js';
import { requireActor, requireInteger, requireObject, requireString } from './validate.js';

/** The caller's own account. An actor whose account is gone (deleted after the token was issued) is refused. */
export async function getAccount(deps: Pick<CorePorts, 'customers'>, actor: Actor): Promise<Customer> {
  const { customerId } = requireActor(actor);
  const customer = await deps.customers.get(customerId);
  if (customer === null) throw new LimitedCartError('UNAUTHENTICATED', 'the account no longer exists');
  return customer;
}

export interface ListCustomersInput {
  /** 0-based; default 0. */
  readonly page?: number;
  /** 1..100; default 20. */
  readonly size?: number;
}

/** A page of every account (an administrator's view). */
export async function listCustomers(deps: Pick<CorePorts, 'customers'>, input: ListCustomersInput = {}): Promise<Page<Customer>> {
  const request = requireObject(input, 'input');
  const page = requireInteger(request.page ?? 0, 'page', { max: 1_000_000 });
  const size = requireInteger(request.size ?? 20, 'size', { min: 1, max: 100 });
  return deps.customers.list({ page, size });
}

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
