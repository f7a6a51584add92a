import type { Order } from '../domain/order.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { Page } from '../ports/stores.js';
import { type ListOrdersInput, listOrders } from './list-orders.js';
import { authorize } from './permissions.js';

/** An order as staff see it in lists: with the email of the account that placed it (null: the account is gone). */
export interface StaffOrder extends Order {
  readonly customerEmail: string | null;
}

/**
 * A page of everyone's orders for an administrator, each with its customer's email, so a list names people rather
 * than account ids. Same filters as `listOrders`; the accounts of one page are read together (one grouped read on
 * stores that group reads by id).
 */
export async function listStaffOrders(deps: Pick<CorePorts, 'orders' | 'customers'>, input: ListOrdersInput): Promise<Page<StaffOrder>> {
  authorize(input?.actor, 'manageAccounts');
  const page = await listOrders(deps, input);
  const ids = [...new Set(page.items.map((order) => order.customerId))];
  const accounts = await Promise.all(ids.map((id) => deps.customers.get(id)));
  const emails = new Map(ids.map((id, index) => [id, accounts[index]?.email ?? null]));
  return { ...page, items: page.items.map((order) => ({ ...order, customerEmail: emails.get(order.customerId) ?? null })) };
}
