import type { Customer } from '../domain/customer.js';
import { notFound } from '../domain/errors.js';
import { accountChangedEvent } from '../events/builders.js';
import type { CorePorts } from '../ports/core-ports.js';
import { requireBoolean, requireObject, requireString } from './validate.js';

export interface SetCustomerDisabledInput {
  readonly customerId: string;
  /** true locks the account: no sign-in, every session ended, every token refused. false unlocks it. */
  readonly disabled: boolean;
}

/**
 * Locks or unlocks an account; NOT_FOUND for an unknown account. Locking also ends every session of the account, so
 * unlocking it later does not bring old refresh tokens back. The store raises the session version (access tokens
 * are refused) and `account.changed` tells every api process to drop its cached entry.
 */
export async function setCustomerDisabled(
  deps: Pick<CorePorts, 'customers' | 'sessions' | 'outbox' | 'clock'>,
  input: SetCustomerDisabledInput,
): Promise<Customer> {
  const request = requireObject(input, 'input');
  const customerId = requireString(request.customerId, 'customerId', { maxLength: 200 });
  const disabled = requireBoolean(request.disabled, 'disabled');
  const updated = await deps.customers.setDisabled(customerId, disabled);
  if (updated === null) throw notFound('customer', customerId);
  const ended = disabled ? await deps.sessions.revokeAll(customerId, 'ACCOUNT_DISABLED') : [];
  // After the change (the account store is outside the unit of work): a lost event costs at most the token
  // checks' cache lifetime.
  await deps.outbox.append([accountChangedEvent(customerId, disabled ? 'disabled' : 'enabled', deps.clock.now(), ended)]);
  return updated;
}
