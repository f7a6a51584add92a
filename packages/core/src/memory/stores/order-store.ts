import type { Money } from '../../domain/money.js';
import { canTransition, type NewOrder, ORDER_STATUSES, type Order, type OrderStatus } from '../../domain/order.js';
import type { OrderQuery, OrderStore, Page, TransitionResult } from '../../ports/stores.js';
import { MemoryDatabase, type MemoryScope } from './database.js';
import { byCreatedAtThenId, conflict, copy, pageOf, requireId, timestamp } from './shared.js';

/** In-memory `OrderStore`. Lists newest first. */
export class MemoryOrderStore implements OrderStore {
  readonly #scope: MemoryScope;

  constructor(scope: MemoryScope = new MemoryDatabase()) {
    this.#scope = scope;
  }

  async create(input: NewOrder): Promise<Order> {
    const id = requireId(input.id, 'order id');
    const now = timestamp(this.#scope.clock);
    const order: Order = {
      id,
      customerId: requireId(input.customerId, 'customerId'),
      productId: requireId(input.productId, 'productId'),
      sku: requireId(input.sku, 'sku'),
      quantity: input.quantity,
      unitPrice: { ...input.unitPrice },
      total: { ...input.total },
      status: 'PENDING',
      statusReason: null,
      holdUntil: new Date(input.holdUntil.getTime()),
      createdAt: now,
      updatedAt: now,
    };
    return this.#scope.write(() => {
      if (this.#scope.tables.orders.get(id)) throw conflict(`order ${id} already exists`, { id });
      this.#scope.tables.orders.put(order);
      return copy(order);
    });
  }

  async get(id: string): Promise<Order | null> {
    const order = this.#scope.tables.orders.get(id);
    return order ? copy(order) : null;
  }

  async transition(id: string, to: OrderStatus, reason: string | null = null): Promise<TransitionResult> {
    const now = timestamp(this.#scope.clock);
    return this.#scope.write((): TransitionResult => {
      const current = this.#scope.tables.orders.get(id);
      if (!current) return { ok: false, reason: 'NOT_FOUND' };
      if (!canTransition(current.status, to)) return { ok: false, reason: 'ILLEGAL_TRANSITION', current: current.status };
      const next: Order = { ...current, status: to, statusReason: reason, updatedAt: now };
      this.#scope.tables.orders.put(next);
      return { ok: true, order: copy(next) };
    });
  }

  async extendHold(id: string, holdUntil: Date): Promise<Order | null> {
    const now = timestamp(this.#scope.clock);
    return this.#scope.write(() => {
      const current = this.#scope.tables.orders.get(id);
      if (!current) return null;
      const open = current.status === 'PENDING' || current.status === 'PAYMENT_PENDING';
      if (!open || holdUntil.getTime() <= current.holdUntil.getTime()) return copy(current);
      const next: Order = { ...current, holdUntil: new Date(holdUntil.getTime()), updatedAt: now };
      this.#scope.tables.orders.put(next);
      return copy(next);
    });
  }

  async list(query: OrderQuery): Promise<Page<Order>> {
    const rows = this.#scope.tables.orders
      .rows()
      .filter(
        (order) =>
          (query.customerId === undefined || order.customerId === query.customerId) &&
          (query.customerIds === undefined || query.customerIds.includes(order.customerId)) &&
          (query.status === undefined || order.status === query.status) &&
          (query.productId === undefined || order.productId === query.productId),
      )
      .sort((a, b) => byCreatedAtThenId(b, a));
    return pageOf(rows, query);
  }

  async countByStatus(): Promise<Record<OrderStatus, number>> {
    const counts = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<OrderStatus, number>;
    for (const order of this.#scope.tables.orders.rows()) counts[order.status] += 1;
    return counts;
  }

  async confirmedRevenue(): Promise<readonly Money[]> {
    const byCurrency = new Map<string, number>();
    for (const order of this.#scope.tables.orders.rows()) {
      if (order.status === 'CONFIRMED') byCurrency.set(order.total.currency, (byCurrency.get(order.total.currency) ?? 0) + order.total.amount);
    }
    return [...byCurrency]
      .map(([currency, amount]) => ({ amount, currency }))
      .sort((a, b) => b.amount - a.amount || a.currency.localeCompare(b.currency));
  }
}
