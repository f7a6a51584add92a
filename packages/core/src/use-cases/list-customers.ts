import type { Customer } from '../domain/customer.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { Page } from '../ports/stores.js';
import { authorize } from './permissions.js';
import type { Actor } from './ports.js';
import { requireInteger, requireObject, searchText } from './validate.js';

export interface ListCustomersInput {
  /** Who reads: must be an ADMIN (`PERMISSIONS.manageAccounts`). None: the system. */
  readonly actor?: Actor;
  /** 0-based; default 0. */
  readonly page?: number;
  /** 1..100; default 20. */
  readonly size?: number;
  /** Only accounts whose email contains this text, in any case; blank means every account. */
  readonly email?: string;
}

/** A page of every account (an administrator's view). */
export async function listCustomers(deps: Pick<CorePorts, 'customers'>, input: ListCustomersInput = {}): Promise<Page<Customer>> {
  const request = requireObject(input, 'input');
  authorize(request.actor, 'manageAccounts');
  const page = requireInteger(request.page ?? 0, 'page', { max: 1_000_000 });
  const size = requireInteger(request.size ?? 20, 'size', { min: 1, max: 100 });
  const email = searchText(request.email, 'email');
  return deps.customers.list({ page, size, ...(email === undefined ? {} : { email }) });
}
