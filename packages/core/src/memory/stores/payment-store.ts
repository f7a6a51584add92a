import type { NewPayment, Payment, PaymentStatus } from '../../domain/payment.js';
import type { PaymentStore } from '../../ports/stores.js';
import { MemoryDatabase, type MemoryScope } from './database.js';
import { byCreatedAtThenId, conflict, copy, requireId, timestamp } from './shared.js';

/** Statuses of an open payment: an order has at most one (see PaymentStore.create). */
const OPEN: readonly PaymentStatus[] = ['INITIATED', 'ERROR'];

/** In-memory `PaymentStore`. Ids and tokens are unique; an order has at most one open payment. */
export class MemoryPaymentStore implements PaymentStore {
  readonly #scope: MemoryScope;

  constructor(scope: MemoryScope = new MemoryDatabase()) {
    this.#scope = scope;
  }

  async create(input: NewPayment): Promise<Payment> {
    const now = timestamp(this.#scope.clock);
    const payment: Payment = {
      id: requireId(input.id, 'payment id'),
      orderId: requireId(input.orderId, 'orderId'),
      customerId: requireId(input.customerId, 'customerId'),
      amount: { ...input.amount },
      status: 'INITIATED',
      token: requireId(input.token, 'token'),
      gatewayReference: null,
      failureReason: null,
      createdAt: now,
      updatedAt: now,
    };
    return this.#scope.write(() => {
      const { payments } = this.#scope.tables;
      if (payments.get(payment.id)) throw conflict(`payment ${payment.id} already exists`, { id: payment.id });
      if (payments.rows().some((row) => row.token === payment.token)) throw conflict('payment token already in use');
      if (payments.rows().some((row) => row.orderId === payment.orderId && OPEN.includes(row.status))) {
        throw conflict(`order ${payment.orderId} already has an open payment`, { orderId: payment.orderId });
      }
      payments.put(payment);
      return copy(payment);
    });
  }

  async get(id: string): Promise<Payment | null> {
    const payment = this.#scope.tables.payments.get(id);
    return payment ? copy(payment) : null;
  }

  async getByToken(token: string): Promise<Payment | null> {
    const payment = this.#scope.tables.payments.rows().find((row) => row.token === token);
    return payment ? copy(payment) : null;
  }

  async listByOrder(orderId: string): Promise<readonly Payment[]> {
    return this.#scope.tables.payments
      .rows()
      .filter((payment) => payment.orderId === orderId)
      .sort(byCreatedAtThenId)
      .map(copy);
  }

  async setStatus(
    id: string,
    from: readonly PaymentStatus[],
    to: PaymentStatus,
    fields: { readonly gatewayReference?: string | null; readonly failureReason?: string | null } = {},
  ): Promise<Payment | null> {
    const now = timestamp(this.#scope.clock);
    return this.#scope.write(() => {
      const current = this.#scope.tables.payments.get(id);
      if (!current || !from.includes(current.status)) return null;
      const next: Payment = {
        ...current,
        status: to,
        gatewayReference: fields.gatewayReference === undefined ? current.gatewayReference : fields.gatewayReference,
        failureReason: fields.failureReason === undefined ? current.failureReason : fields.failureReason,
        updatedAt: now,
      };
      this.#scope.tables.payments.put(next);
      return copy(next);
    });
  }
}
