import type { Customer, Role } from '../domain/customer.js';
import { ROLES } from '../domain/customer.js';
import { LimitedCartError, notFound } from '../domain/errors.js';
import { accountChangedEvent } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import { rolesChangedEntry } from './audit-entries.js';
import { authorize } from './permissions.js';
import type { Actor } from './ports.js';
import { requireObject, requireString } from './validate.js';

export interface SetCustomerRolesInput {
  readonly customerId: string;
  /** A non-empty set of USER, WAREHOUSE, ADMIN; duplicates are dropped. */
  readonly roles: readonly Role[];
  /** Who changes them: must be an ADMIN (`PERMISSIONS.manageAccounts`); recorded in the audit log. None: the system. */
  readonly actor?: Actor;
  /** Why, when it is not an administrator's ordinary decision (e.g. the bootstrap admin); kept in the audit entry. */
  readonly reason?: string;
}

export type SetCustomerRolesResult =
  | { readonly ok: true; readonly customer: Customer }
  /** The account is the last ADMIN and the new roles lack ADMIN: nothing changed (someone must stay able to administer). */
  | { readonly ok: false; readonly reason: 'LAST_ADMIN' };

/**
 * Replaces an account's roles and records who changed them from what to what, in one transaction
 * (`UnitOfWork.changeRoles`); unchanged roles record nothing. Taking ADMIN from the last admin is refused atomically
 * in the store, so two admins demoting each other at once cannot leave none. NOT_FOUND for an unknown account.
 * The store raises the account's session version, so tokens issued with the old roles are refused, and
 * `account.changed` tells every api process to drop what it cached about the account.
 */
export async function setCustomerRoles(
  deps: Pick<CorePorts, 'unitOfWork' | 'outbox' | 'clock'>,
  input: SetCustomerRolesInput,
): Promise<SetCustomerRolesResult> {
  const request = requireObject(input, 'input');
  const actor = authorize(request.actor, 'manageAccounts');
  const customerId = requireString(request.customerId, 'customerId', { maxLength: 200 });
  const reason = request.reason === undefined ? undefined : requireString(request.reason, 'reason', { maxLength: 500 });
  const roles = request.roles;
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((role) => (ROLES as readonly unknown[]).includes(role))) {
    throw new LimitedCartError('VALIDATION', `roles must be a non-empty list of ${ROLES.join(', ')}`, { details: { field: 'roles' } });
  }
  const result = await deps.unitOfWork.changeRoles(customerId, [...new Set(roles as Role[])], ({ customer, previousRoles }) =>
    sameRoles(previousRoles, customer.roles) ? [] : [rolesChangedEntry(actor, customer.id, previousRoles, customer.roles, reason)],
  );
  if (result.ok) {
    // After the commit, not in it: a lost event costs at most the token checks' cache lifetime, since every cached
    // account entry expires on its own.
    await deps.outbox.append([accountChangedEvent(customerId, 'roles', deps.clock.now())]);
    return { ok: true, customer: result.customer };
  }
  if (result.reason === 'NOT_FOUND') throw notFound('customer', customerId);
  return { ok: false, reason: 'LAST_ADMIN' };
}

const sameRoles = (a: readonly Role[], b: readonly Role[]): boolean => a.length === b.length && a.every((role) => b.includes(role));
