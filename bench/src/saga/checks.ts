import type { SagaRunner } from '@limitedcart/core';
import { type SagaKitWorld, waitFor } from '@limitedcart/core/testing';

/** One verified property of a runner's run; any failed check makes the benchmark exit non-zero. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

const EXPECTED_PROGRESS = 'PAYMENT_PENDING,CONFIRMED';

/**
 * After the timed rounds, every saga must have ended exactly once and CONFIRMED, with its stock sold:
 * - the runner describes each saga COMPLETED with outcome CONFIRMED (waited for: the saga's last bookkeeping
 *   after `confirmOrder` is not part of the timing);
 * - the order store has it CONFIRMED, and its progress events are exactly PAYMENT_PENDING then CONFIRMED
 *   (one terminal state, no transition twice);
 * - its SKU satisfies `restocked = available + held + sold` with the unit sold;
 * - the gateway refunded nothing (no payment was treated as late).
 */
export async function checkRunner(runner: SagaRunner, world: SagaKitWorld, orderIds: readonly string[], timeoutMs: number): Promise<Check[]> {
  const checks: Check[] = [];
  let notCompleted: string[] = [];
  try {
    await waitFor(
      async () => {
        const descriptions = await Promise.all(orderIds.map((orderId) => runner.describe(orderId)));
        notCompleted = orderIds.filter((_, i) => {
          const d = descriptions[i];
          return d?.status !== 'COMPLETED' || d.outcome !== 'CONFIRMED';
        });
        return notCompleted.length === 0;
      },
      { timeoutMs, intervalMs: 250, message: 'every saga described COMPLETED / CONFIRMED' },
    );
  } catch {
    // Reported below with the sagas that never completed.
  }
  checks.push({
    name: 'runner: every saga COMPLETED, outcome CONFIRMED',
    ok: notCompleted.length === 0,
    detail: notCompleted.length === 0 ? `${orderIds.length} sagas` : `${notCompleted.length} not completed, e.g. ${notCompleted[0]}`,
  });

  const wrongStatus: string[] = [];
  const wrongProgress: string[] = [];
  const wrongStock: string[] = [];
  for (const orderId of orderIds) {
    const order = await world.order(orderId);
    if (order.status !== 'CONFIRMED') wrongStatus.push(`${orderId} ${order.status}`);
    const progress = world.progress(orderId).join(',');
    if (progress !== EXPECTED_PROGRESS) wrongProgress.push(`${orderId} [${progress}]`);
    const s = await world.gate.snapshot(order.sku);
    if (s === null || s.restockedTotal !== s.available + s.held + s.sold || s.sold !== order.quantity || s.held !== 0) {
      wrongStock.push(`${order.sku} ${JSON.stringify(s)}`);
    }
  }
  const verdict = (name: string, wrong: readonly string[]): Check => ({
    name,
    ok: wrong.length === 0,
    detail: wrong.length === 0 ? `${orderIds.length} orders` : `${wrong.length} wrong, e.g. ${wrong[0]}`,
  });
  checks.push(verdict('store: every order CONFIRMED', wrongStatus));
  checks.push(verdict('events: exactly PAYMENT_PENDING then CONFIRMED', wrongProgress));
  checks.push(verdict('stock: restocked = available + held + sold, unit sold', wrongStock));
  const refunds = world.paymentGateway.refunds().length;
  checks.push({ name: 'gateway: no refunds', ok: refunds === 0, detail: `${refunds} refunds` });
  return checks;
}
