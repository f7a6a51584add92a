import { randomUUID } from 'node:crypto';
import { expect, onTestFinished } from 'vitest';
import type { Role } from '../src/domain/customer.js';
import type { DomainEvent } from '../src/domain/events.js';
import { money } from '../src/domain/money.js';
import type { Order, OrderStatus } from '../src/domain/order.js';
import type { Product } from '../src/domain/product.js';
import { createManualClock, createSystemClock, type ManualClock } from '../src/memory/clock.js';
import { createMemoryEventBus } from '../src/memory/event-bus.js';
import { createSilentLogger } from '../src/memory/logger.js';
import { createMemoryPaymentGateway, type MemoryPaymentGateway } from '../src/memory/payment-gateway.js';
import { createMemoryPriceCache } from '../src/memory/price-cache.js';
import { createMemoryRateLimiter } from '../src/memory/rate-limiter.js';
import { createMemorySagaRunner, type MemorySagaRunner } from '../src/memory/saga-runner.js';
import { createMemorySearchIndex } from '../src/memory/search-index.js';
import { createMemorySessionStore } from '../src/memory/session-store.js';
import { createMemoryStockGate } from '../src/memory/stock-gate.js';
import { createMemoryStores } from '../src/memory/stores/index.js';
import type { CorePorts } from '../src/ports/core-ports.js';
import type { Clock } from '../src/ports/small-ports.js';
import { createOrderSagaActivities } from '../src/saga-activities.js';
import { waitFor } from '../src/testing/wait-for.js';
import { createProduct } from '../src/use-cases/create-product.js';
import type { Actor } from '../src/use-cases/ports.js';
import { restock } from '../src/use-cases/restock.js';

/**
 * In-memory ports for core's use-case tests, with the concrete memory types kept for assertions.
 * Every call builds a fresh set: tests share nothing.
 */
export interface TestPorts extends CorePorts {
  readonly sagaRunner: MemorySagaRunner;
  readonly paymentGateway: MemoryPaymentGateway;
}

/**
 * Call it inside a test: the saga runner closes when that test finishes, so no saga of one test keeps
 * timers running into the next.
 */
export function memoryPorts(options: { clock?: Clock; overrides?: Partial<CorePorts> } = {}): TestPorts {
  const clock = options.clock ?? createSystemClock();
  const logger = createSilentLogger();
  const stores = createMemoryStores({ clock });
  const stockGate = createMemoryStockGate({ clock });
  const paymentGateway = createMemoryPaymentGateway();
  const base = { ...stores, stockGate, paymentGateway, clock, logger, ...options.overrides };
  const sagaRunner = createMemorySagaRunner({
    activities: createOrderSagaActivities(base),
    clock,
    logger,
    retry: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 },
  });
  onTestFinished(() => sagaRunner.close());
  return {
    ...base,
    sagaRunner,
    eventBus: createMemoryEventBus(),
    priceCache: createMemoryPriceCache(),
    rateLimiter: createMemoryRateLimiter(),
    searchIndex: createMemorySearchIndex(),
    sessions: createMemorySessionStore({ clock }),
    ...options.overrides,
  } as TestPorts;
}

/** A manual clock starting now, so holdUntil values stay plausible. */
export const manualClock = (): ManualClock => createManualClock(new Date());

export const shopper = (roles: readonly Role[] = ['USER']): Actor => ({ customerId: `customer-${randomUUID()}`, roles });
export const admin = (): Actor => shopper(['ADMIN']);

export interface SeedOptions {
  readonly stock?: number;
  readonly limit?: number;
  readonly price?: number;
  readonly active?: boolean;
  readonly saleStartsAt?: Date | null;
}

/** A product on sale with stock, created through the use cases themselves. */
export async function seedProduct(ports: CorePorts, options: SeedOptions = {}): Promise<Product> {
  const product = await createProduct(ports, {
    name: `Drop ${randomUUID().slice(0, 8)}`,
    description: 'limited sneaker',
    price: money(options.price ?? 12_500),
    maxQuantityPerCustomer: options.limit ?? 0,
    active: options.active ?? true,
    saleStartsAt: options.saleStartsAt ?? null,
  });
  if ((options.stock ?? 10) > 0) {
    await restock(ports, { productId: product.id, quantity: options.stock ?? 10, opId: `seed-${product.id}` });
  }
  return product;
}

/** Takes every event waiting in the outbox (marks them shipped): each call returns what was added since. */
export async function outboxEvents(ports: CorePorts): Promise<DomainEvent[]> {
  const records = await ports.outbox.claimUnshipped(1_000, 60_000);
  await ports.outbox.markShipped(records.map((record) => record.position));
  return records.map((record) => record.event);
}

export async function orderStatus(ports: CorePorts, orderId: string): Promise<OrderStatus | undefined> {
  return (await ports.orders.get(orderId))?.status;
}

export async function waitForStatus(ports: CorePorts, orderId: string, status: OrderStatus): Promise<Order> {
  return waitFor(
    async () => {
      const order = await ports.orders.get(orderId);
      return order?.status === status ? order : null;
    },
    { message: `order ${orderId} to reach ${status}` },
  );
}

/** restockedTotal = available + held + sold, and nothing negative. */
export async function expectStockInvariant(ports: CorePorts, sku: string): Promise<void> {
  const snapshot = await ports.stockGate.snapshot(sku);
  expect(snapshot).not.toBeNull();
  const { available, held, sold, restockedTotal } = snapshot!;
  expect(available + held + sold).toBe(restockedTotal);
  expect(Math.min(available, held, sold)).toBeGreaterThanOrEqual(0);
}
