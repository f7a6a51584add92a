import { randomUUID } from 'node:crypto';
import { LimitedCartError } from '../domain/errors.js';
import type { DomainEvent, OrderProgressPayload } from '../domain/events.js';
import { money } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import { createSystemClock } from '../memory/clock.js';
import { createSilentLogger } from '../memory/logger.js';
import { createMemoryPaymentGateway, type MemoryPaymentGateway, TEST_CARDS } from '../memory/payment-gateway.js';
import { createMemoryStockGate } from '../memory/stock-gate.js';
import { createMemoryStores } from '../memory/stores/index.js';
import type { Clock, Logger } from '../ports/small-ports.js';
import type { StockGate } from '../ports/stock-gate.js';
import type { OutboxStore, StoreSet, UnitOfWork } from '../ports/stores.js';
import { ACTIVITY_NAMES, type ActivityName, type OrderSagaActivities } from '../saga/activities.js';
import { createOrderSagaActivities } from '../saga-activities.js';

/** One call of a kit activity, as the runner made it. */
export interface ActivityCall {
  readonly activity: ActivityName;
  readonly args: readonly unknown[];
  /** 'fault' = an injected failure; 'error' = the real activity threw. */
  readonly outcome: 'ok' | 'fault' | 'error';
}

export interface ActivityFault {
  /** How many of the next calls fail. */
  readonly times: number;
  /** true: `LimitedCartError('INFRASTRUCTURE')`, retried by runners; false: `LimitedCartError('INTERNAL')`. */
  readonly retryable: boolean;
}

/** An order placed the way `placeOrder` leaves it: PENDING, its units held in the gate. */
export interface HeldOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly productId: string;
  readonly sku: string;
  readonly quantity: number;
  /** Units restocked on the order's own SKU. */
  readonly stock: number;
  readonly holdUntil: Date;
}

export interface PlaceHeldOrderOptions {
  /** Units ordered; default 2. */
  readonly quantity?: number;
  /** Units on the SKU; default 10. */
  readonly stock?: number;
  /** Hold lifetime from now; default one hour. */
  readonly holdMs?: number;
}

export interface SagaKitWorldOptions {
  /** Default: `createMemoryStores()`. */
  readonly stores?: StoreSet;
  /** Default: `createMemoryStockGate()`. */
  readonly gate?: StockGate;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * Everything a saga needs, built from real in-memory ports, plus instruments for the saga runner kit and for
 * adapters' own crash tests:
 * - `activities` is the production set (`createOrderSagaActivities`) wrapped to record every call and to inject
 *   faults per order id, so one world can serve every test of a file at once;
 * - `progress(orderId)` lists the `order.progress` statuses committed to the outbox for the order, in order.
 */
export interface SagaKitWorld {
  /** Hand these to the runner under test (e.g. register them on a worker). */
  readonly activities: OrderSagaActivities;
  readonly stores: StoreSet;
  readonly gate: StockGate;
  readonly paymentGateway: MemoryPaymentGateway;
  /** Creates a customer, product, stock and a PENDING order holding `quantity` units. */
  placeHeldOrder(options?: PlaceHeldOrderOptions): Promise<HeldOrder>;
  /** Records a payment of the order that the gateway captured (SUCCEEDED); returns its id for the signal. */
  capturePayment(orderId: string): Promise<string>;
  /** Records a payment of the order that the gateway declined; returns its id. */
  declinePayment(orderId: string): Promise<string>;
  /** Makes the next `fault.times` calls of `activity` for `orderId` throw before reaching the real activity. */
  injectFault(orderId: string, activity: ActivityName, fault: ActivityFault): void;
  calls(orderId: string, activity?: ActivityName): readonly ActivityCall[];
  /** Statuses of the committed `order.progress` events of the order. */
  progress(orderId: string): readonly string[];
  order(orderId: string): Promise<Order>;
  /** Payment ids of the order the gateway refunded. */
  refundedPayments(orderId: string): Promise<readonly string[]>;
}

/** Wraps a unit of work so the outbox events of committed transactions are recorded. */
const recordingUnitOfWork = (inner: UnitOfWork, onCommit: (events: readonly DomainEvent[]) => void): UnitOfWork => ({
  async run(work) {
    const appended: DomainEvent[] = [];
    const result = await inner.run((tx) => {
      const outbox: OutboxStore = {
        append: async (events) => {
          await tx.outbox.append(events);
          appended.push(...events);
        },
        claimUnshipped: (limit, leaseMs) => tx.outbox.claimUnshipped(limit, leaseMs),
        markShipped: (positions) => tx.outbox.markShipped(positions),
      };
      return work({ ...tx, outbox });
    });
    onCommit(appended);
    return result;
  },
  async createOrder(order, events) {
    const created = await inner.createOrder(order, events);
    onCommit(events);
    return created;
  },
  async transitionOrder(id, to, reason, announce) {
    let announced: readonly DomainEvent[] = [];
    const result = await inner.transitionOrder(id, to, reason, (order) => {
      announced = announce(order);
      return announced;
    });
    if (result.ok) onCommit(announced);
    return result;
  },
  changeRoles: (id, roles, record) => inner.changeRoles(id, roles, record),
});

/** Builds a saga kit world; see `SagaKitWorld`. */
export function createSagaKitWorld(options: SagaKitWorldOptions = {}): SagaKitWorld {
  const stores = options.stores ?? createMemoryStores();
  const gate = options.gate ?? createMemoryStockGate();
  const clock = options.clock ?? createSystemClock();
  const paymentGateway = createMemoryPaymentGateway();
  const progress = new Map<string, string[]>();
  const calls = new Map<string, ActivityCall[]>();
  const faults = new Map<string, { remaining: number; retryable: boolean }>();

  const production = createOrderSagaActivities({
    orders: stores.orders,
    unitOfWork: recordingUnitOfWork(stores.unitOfWork, (events) => {
      for (const event of events) {
        if (event.type !== 'order.progress') continue;
        const payload = event.payload as OrderProgressPayload;
        progress.set(payload.orderId, [...(progress.get(payload.orderId) ?? []), payload.status]);
      }
    }),
    stockGate: gate,
    payments: stores.payments,
    paymentGateway,
    clock,
    logger: options.logger ?? createSilentLogger(),
  });

  const record = (orderId: string, call: ActivityCall): void => {
    calls.set(orderId, [...(calls.get(orderId) ?? []), call]);
  };

  const instrument = <K extends ActivityName>(name: K): OrderSagaActivities[K] => {
    const wrapped = async (...args: unknown[]): Promise<unknown> => {
      const orderId = String(args[0]);
      const fault = faults.get(`${orderId}\u0000${name}`);
      if (fault !== undefined && fault.remaining > 0) {
        fault.remaining -= 1;
        record(orderId, { activity: name, args, outcome: 'fault' });
        throw fault.retryable
          ? new LimitedCartError('INFRASTRUCTURE', `injected retryable fault in ${name}`)
          : new LimitedCartError('INTERNAL', `injected fault in ${name}`);
      }
      try {
        const method = production[name] as (...params: unknown[]) => Promise<unknown>;
        const result = await method.apply(production, args);
        record(orderId, { activity: name, args, outcome: 'ok' });
        return result;
      } catch (error) {
        record(orderId, { activity: name, args, outcome: 'error' });
        throw error;
      }
    };
    return wrapped as OrderSagaActivities[K];
  };

  const activities = Object.fromEntries(ACTIVITY_NAMES.map((name) => [name, instrument(name)])) as unknown as OrderSagaActivities;

  const order = async (orderId: string): Promise<Order> => {
    const found = await stores.orders.get(orderId);
    if (found === null) throw new Error(`kit order ${orderId} not found`);
    return found;
  };

  const recordPayment = async (orderId: string, cardNumber: string): Promise<string> => {
    const placed = await order(orderId);
    const payment = await stores.payments.create({
      id: randomUUID(),
      orderId,
      customerId: placed.customerId,
      amount: placed.total,
      token: randomUUID(),
    });
    const charge = await paymentGateway.charge({
      paymentId: payment.id,
      amount: payment.amount,
      card: { number: cardNumber, expMonth: 12, expYear: 2099, cvc: '123', holder: 'Kit Shopper' },
    });
    if (charge.outcome === 'succeeded') {
      await stores.payments.setStatus(payment.id, ['INITIATED'], 'SUCCEEDED', { gatewayReference: charge.reference });
    } else {
      await stores.payments.setStatus(payment.id, ['INITIATED'], 'DECLINED', { failureReason: charge.reason });
    }
    return payment.id;
  };

  return {
    activities,
    stores,
    gate,
    paymentGateway,

    async placeHeldOrder(placeOptions = {}) {
      const quantity = placeOptions.quantity ?? 2;
      const stock = placeOptions.stock ?? 10;
      const holdUntil = new Date(clock.now().getTime() + (placeOptions.holdMs ?? 3_600_000));
      const tag = randomUUID();
      const customer = await stores.customers.create({
        email: `kit-${tag}@example.test`,
        passwordHash: 'not-a-real-hash',
        roles: ['USER'],
      });
      const product = await stores.products.create({
        name: `Kit drop ${tag}`,
        description: 'saga kit product',
        price: money(1500),
        maxQuantityPerCustomer: 0,
        active: true,
      });
      await gate.restock(product.sku, stock, `kit-restock-${tag}`);
      const orderId = randomUUID();
      const reserved = await gate.reserve({
        sku: product.sku,
        qty: quantity,
        orderId,
        customerId: customer.id,
        limitPerCustomer: 0,
        holdUntil,
      });
      if (!reserved.ok) throw new Error(`kit reservation failed: ${reserved.reason}`);
      await stores.orders.create({
        id: orderId,
        customerId: customer.id,
        productId: product.id,
        sku: product.sku,
        quantity,
        unitPrice: product.price,
        total: money(product.price.amount * quantity),
        holdUntil,
      });
      return { orderId, customerId: customer.id, productId: product.id, sku: product.sku, quantity, stock, holdUntil };
    },

    capturePayment: (orderId) => recordPayment(orderId, TEST_CARDS.succeeds),
    declinePayment: (orderId) => recordPayment(orderId, TEST_CARDS.declines),

    injectFault(orderId, activity, fault) {
      faults.set(`${orderId}\u0000${activity}`, { remaining: fault.times, retryable: fault.retryable });
    },

    calls: (orderId, activity) =>
      (calls.get(orderId) ?? []).filter((call) => activity === undefined || call.activity === activity),

    progress: (orderId) => progress.get(orderId) ?? [],

    order,

    async refundedPayments(orderId) {
      const ofOrder = new Set((await stores.payments.listByOrder(orderId)).map((p) => p.id));
      return paymentGateway
        .refunds()
        .map((refund) => refund.paymentId)
        .filter((id) => ofOrder.has(id));
    },
  };
}
