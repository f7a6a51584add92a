import { validationError } from '../domain/errors.js';
import { ORDER_STATUSES, type Order, type OrderStatus } from '../domain/order.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { Page } from '../ports/stores.js';
import { type Actor, isAdmin } from './ports.js';
import { optionalString, requireActor, requireInteger, requireObject, requireOneOf, searchText } from './validate.js';

export interface ListOrdersInput {
  readonly actor: Actor;
  /** 0-based; default 0. */
  readonly page?: number;
  /** 1..100; default 20. */
  readonly size?: number;
  readonly status?: OrderStatus;
  readonly productId?: string;
  /** ADMIN only: filter by customer. Other callers always see their own orders alone. */
  readonly customerId?: string;
  /**
   * ADMIN only: orders of the accounts whose email contains this text, in any case. More than
   * `MAX_EMAIL_MATCHES` matching accounts is a VALIDATION error (type more of the address).
   */
  readonly customerEmail?: string;
}

/** How many accounts an email search of the orders may cover. */
export const MAX_EMAIL_MATCHES = 100;

/** A page of orders: the caller's own, or, for an ADMIN, everyone's (optionally filtered). */
export async function listOrders(deps: Pick<CorePorts, 'orders' | 'customers'>, input: ListOrdersInput): Promise<Page<Order>> {
  const request = requireObject(input, 'input');
  const actor = requireActor(request.actor);
  const page = requireInteger(request.page ?? 0, 'page', { max: 1_000_000 });
  const size = requireInteger(request.size ?? 20, 'size', { min: 1, max: 100 });
  const status = request.status === undefined ? undefined : requireOneOf(request.status, 'status', ORDER_STATUSES);
  const productId = optionalString(request.productId, 'productId');
  const customerId = isAdmin(actor) ? optionalString(request.customerId, 'customerId') : actor.customerId;
  const customerEmail = isAdmin(actor) ? searchText(request.customerEmail, 'customerEmail') : undefined;
  let customerIds: readonly string[] | undefined;
  if (customerEmail !== undefined) {
    const matches = await deps.customers.list({ page: 0, size: MAX_EMAIL_MATCHES, email: customerEmail });
    if (matches.total > MAX_EMAIL_MATCHES) {
      throw validationError(`more than ${MAX_EMAIL_MATCHES} accounts match "${customerEmail}": type more of the address`, {
        field: 'customerEmail',
      });
    }
    customerIds = matches.items.map((customer) => customer.id);
  }
  return deps.orders.list({
    page,
    size,
    ...(customerIds === undefined ? {} : { customerIds }),
    ...(status === undefined ? {} : { status }),
    ...(productId === undefined ? {} : { productId }),
    ...(customerId === undefined ? {} : { customerId }),
  });
}
