import type { NewAuditEntry } from '../../domain/audit.js';
import type { Role } from '../../domain/customer.js';
import type { DomainEvent } from '../../domain/events.js';
import type { NewOrder, Order, OrderStatus } from '../../domain/order.js';
import type { SetRolesResult, TransactionalStores, TransitionResult, UnitOfWork } from '../../ports/stores.js';
import { appendAuditRows, MemoryAuditStore } from './audit-store.js';
import { MemoryCustomerStore } from './customer-store.js';
import { MemoryDatabase, type MemoryScope } from './database.js';
import { MemoryOrderStore } from './order-store.js';
import { MemoryOutboxStore } from './outbox-store.js';
import { MemoryPaymentStore } from './payment-store.js';
import { MemoryProductStore } from './product-store.js';

const storesFor = (scope: MemoryScope): TransactionalStores => ({
  orders: new MemoryOrderStore(scope),
  payments: new MemoryPaymentStore(scope),
  products: new MemoryProductStore(scope),
  outbox: new MemoryOutboxStore(scope),
  audit: new MemoryAuditStore(scope),
});

/**
 * In-memory `UnitOfWork`: `work`'s writes are staged and applied together when it resolves, discarded when
 * it throws. Units of work on one database run one at a time (see `MemoryDatabase` for the isolation).
 */
export class MemoryUnitOfWork implements UnitOfWork {
  readonly #db: MemoryDatabase;
  readonly #customers: MemoryCustomerStore;

  constructor(db: MemoryDatabase = new MemoryDatabase()) {
    this.#db = db;
    this.#customers = new MemoryCustomerStore(db);
  }

  run<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T> {
    return this.#db.transaction((scope) => work(storesFor(scope)));
  }

  createOrder(order: NewOrder, events: readonly DomainEvent[]): Promise<Order> {
    return this.run(async (tx) => {
      const created = await tx.orders.create(order);
      await tx.outbox.append(events);
      return created;
    });
  }

  transitionOrder(
    id: string,
    to: OrderStatus,
    reason: string | null,
    announce: (order: Order) => readonly DomainEvent[],
  ): Promise<TransitionResult> {
    return this.run(async (tx) => {
      const result = await tx.orders.transition(id, to, reason);
      if (result.ok) await tx.outbox.append(announce(result.order));
      return result;
    });
  }

  changeRoles(
    id: string,
    roles: readonly Role[],
    record: (changed: Extract<SetRolesResult, { ok: true }>) => readonly NewAuditEntry[],
  ): Promise<SetRolesResult> {
    // The entries are staged inside the customer store's synchronous step, before the roles are written: a throwing
    // `record` leaves the roles as they were, and the staged entries commit when this unit of work does.
    return this.#db.transaction(async (scope) => this.#customers.applyRoles(id, roles, (changed) => appendAuditRows(scope, record(changed))));
  }
}
