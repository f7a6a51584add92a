import type { Customer } from '../domain/customer.js';
import { LimitedCartError } from '../domain/errors.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { Actor } from './ports.js';
import { requireActor } from './validate.js';

/** The caller's own account. An actor whose account is gone (deleted after the token was issued) is refused. */
export async function getAccount(deps: Pick<CorePorts, 'customers'>, actor: Actor): Promise<Customer> {
  const { customerId } = requireActor(actor);
  const customer = await deps.customers.get(customerId);
  if (customer === null) throw new LimitedCartError('UNAUTHENTICATED', 'the account no longer exists');
  return customer;
}
