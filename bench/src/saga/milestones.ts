import type { OrderSagaActivities } from '@limitedcart/core/saga';

/** The points of a saga the benchmark times: PAYMENT_PENDING and CONFIRMED are written by these activities. */
export type Milestone = 'payment-pending' | 'confirmed' | 'ended';

interface Waiter {
  readonly milestone: Milestone;
  readonly remaining: Set<string>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Wraps the saga's activities so that the moment an order's `markPaymentPending` / `confirmOrder` returned
 * (its status is committed) is recorded in this process. The runner under test executes the wrapped set, so
 * the benchmark observes progress without polling the runner (which would load the system it measures).
 */
export class MilestoneWatch {
  readonly activities: OrderSagaActivities;
  private readonly times: Record<Milestone, Map<string, number>> = {
    'payment-pending': new Map(),
    confirmed: new Map(),
    ended: new Map(),
  };
  private readonly waiters = new Set<Waiter>();

  constructor(inner: OrderSagaActivities) {
    this.activities = {
      markPaymentPending: async (orderId) => {
        await inner.markPaymentPending(orderId);
        this.reach('payment-pending', orderId);
      },
      commitStock: (orderId) => inner.commitStock(orderId),
      releaseStock: (orderId) => inner.releaseStock(orderId),
      confirmOrder: async (orderId) => {
        await inner.confirmOrder(orderId);
        this.reach('confirmed', orderId);
      },
      endOrder: async (orderId, status, reason) => {
        await inner.endOrder(orderId, status, reason);
        this.reach('ended', orderId);
      },
      refundPayment: (orderId, paymentId) => inner.refundPayment(orderId, paymentId),
    };
  }

  /** `performance.now()` when the order first reached the milestone. */
  timeOf(milestone: Milestone, orderId: string): number | undefined {
    return this.times[milestone].get(orderId);
  }

  /** How many of `orderIds` reached the milestone. */
  count(milestone: Milestone, orderIds: readonly string[]): number {
    return orderIds.filter((id) => this.times[milestone].has(id)).length;
  }

  /**
   * Resolves once every order reached the milestone. Rejects when one of them ends otherwise (EXPIRED, FAILED,
   * CANCELLED: it never will) or after `timeoutMs`.
   */
  waitAll(milestone: Milestone, orderIds: readonly string[], timeoutMs: number): Promise<void> {
    const remaining = new Set(orderIds.filter((id) => !this.times[milestone].has(id)));
    const ended = [...remaining].find((id) => this.times.ended.has(id));
    if (ended !== undefined) return Promise.reject(new Error(`order ${ended} ended before reaching ${milestone}`));
    if (remaining.size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${remaining.size} of ${orderIds.length} sagas did not reach ${milestone} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        milestone,
        remaining,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  private reach(milestone: Milestone, orderId: string): void {
    const times = this.times[milestone];
    if (times.has(orderId)) return; // a retried activity: the first completion is the milestone
    times.set(orderId, performance.now());
    for (const waiter of this.waiters) {
      if (!waiter.remaining.has(orderId)) continue;
      if (milestone === 'ended' && waiter.milestone !== 'ended') {
        this.waiters.delete(waiter);
        waiter.reject(new Error(`order ${orderId} ended before reaching ${waiter.milestone}`));
      } else if (milestone === waiter.milestone) {
        waiter.remaining.delete(orderId);
        if (waiter.remaining.size === 0) {
          this.waiters.delete(waiter);
          waiter.resolve();
        }
      }
    }
  }
}
