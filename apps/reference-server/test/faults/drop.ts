import { randomBytes } from 'node:crypto';
import type { ShopClient, Shopper } from './shop-client.js';
import { mapLimit } from './shop-client.js';

export interface Accepted {
  readonly kind: 'accepted';
  readonly orderId: string;
  readonly shopper: Shopper;
  /** The Idempotency-Key the shopper placed it with: sent again, it must bring back this very order. */
  readonly idempotencyKey: string;
}

/** What became of one shopper's order attempt. */
export type Attempt =
  | Accepted
  | { readonly kind: 'rejected'; readonly code: string }
  /** No definitive answer before the client gave up (the request may still have committed an order). */
  | { readonly kind: 'unanswered'; readonly status: number; readonly code: string | undefined };

/** Concurrent shoppers (connections) of the load generator; small, the machine has two cores. */
const LANES = 16;

/**
 * Every shopper tries once to buy one unit, retrying transient failures with the same Idempotency-Key for up
 * to `retryForMs`. `onAnswer` counts answers, so a row can inject its fault once the load is under way;
 * `onAccepted` lets a shopper go on (pay, cancel) at once, without waiting for slower shoppers.
 */
export async function placeOrders(
  shop: ShopClient,
  shoppers: readonly Shopper[],
  productId: string,
  {
    retryForMs,
    onAnswer,
    onAccepted,
  }: { readonly retryForMs: number; readonly onAnswer?: () => void; readonly onAccepted?: (accepted: Accepted) => void },
): Promise<Attempt[]> {
  return mapLimit(shoppers, LANES, async (shopper): Promise<Attempt> => {
    const key = `order-${randomBytes(8).toString('hex')}`;
    const answer = await shop.retry(
      'POST',
      '/api/orders',
      { token: shopper.token, idempotencyKey: key, body: { productId, quantity: 1 } },
      Date.now() + retryForMs,
    );
    onAnswer?.();
    if (answer.status === 202) {
      const accepted: Accepted = { kind: 'accepted', orderId: answer.body.orderId as string, shopper, idempotencyKey: key };
      onAccepted?.(accepted);
      return accepted;
    }
    if (answer.status === 409 && answer.body?.code !== 'IDEMPOTENCY_IN_FLIGHT') return { kind: 'rejected', code: answer.body.code as string };
    return { kind: 'unanswered', status: answer.status, code: answer.body?.code };
  });
}

const CARD = { number: '4242424242424242', expMonth: 12, expYear: 2099, cvc: '123', holder: 'Fault Shopper' };

/** Opens a payment and pays it with a good card; true when the gateway took the card. */
export async function pay(shop: ShopClient, shopper: Shopper, orderId: string, retryForMs: number): Promise<boolean> {
  const deadline = Date.now() + retryForMs;
  const initiated = await shop.retry('POST', '/api/payments/initiate', { token: shopper.token, body: { orderId } }, deadline);
  // 201 opened it; 200 is the order's payment opened by an earlier attempt whose answer the fault swallowed.
  if (initiated.status !== 201 && initiated.status !== 200) return false;
  const token = String(initiated.body.paymentLink).split('/pay/')[1];
  const processed = await shop.retry('POST', '/api/payments/process', { body: { token, card: CARD } }, deadline);
  return processed.status === 200;
}

/** Cancels the order; true when the api answered 200. */
export async function cancel(shop: ShopClient, shopper: Shopper, orderId: string, retryForMs: number): Promise<boolean> {
  const answer = await shop.retry('POST', `/api/orders/${orderId}/cancel`, { token: shopper.token }, Date.now() + retryForMs);
  return answer.status === 200;
}

/**
 * Sends each accepted order's request again with its Idempotency-Key, as a shopper whose answer was lost would:
 * returns those that did not bring back their order (status and order id they got instead).
 */
export async function replayKeys(shop: ShopClient, accepted: readonly Accepted[], productId: string): Promise<string[]> {
  const wrong = await mapLimit(accepted, LANES, async ({ shopper, orderId, idempotencyKey }) => {
    const answer = await shop.retry(
      'POST',
      '/api/orders',
      { token: shopper.token, idempotencyKey, body: { productId, quantity: 1 } },
      Date.now() + 15_000,
    );
    return answer.status === 202 && answer.body?.orderId === orderId ? null : `${orderId}: ${answer.status} ${JSON.stringify(answer.body)}`;
  });
  return wrong.filter((entry): entry is string => entry !== null);
}

/** Accepted orders in the order they were accepted. */
export const acceptedOf = (attempts: readonly Attempt[]) =>
  attempts.flatMap((attempt) => (attempt.kind === 'accepted' ? [attempt] : []));

/** Rejections by code and attempts left without an answer by their last status, for the row's report. */
export function tally(attempts: readonly Attempt[]) {
  const rejected: Record<string, number> = {};
  const unanswered: Record<string, number> = {};
  for (const attempt of attempts) {
    if (attempt.kind === 'rejected') rejected[attempt.code] = (rejected[attempt.code] ?? 0) + 1;
    if (attempt.kind === 'unanswered') {
      const last = `${attempt.status}${attempt.code ? ` ${attempt.code}` : ''}`;
      unanswered[last] = (unanswered[last] ?? 0) + 1;
    }
  }
  return { accepted: acceptedOf(attempts).length, rejected, unanswered };
}
