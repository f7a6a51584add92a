import { notFound } from '../domain/errors.js';
import type { OrderStatus } from '../domain/order.js';
import type { PaymentStatus } from '../domain/payment.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { CardDetails } from '../ports/small-ports.js';
import { type HandlePaymentResultDeps, handlePaymentResult } from './handle-payment-result.js';
import { requireInteger, requireObject, requireString } from './validate.js';

export interface ProcessPaymentInput {
  /** The payment link's secret (`initiatePayment`'s token): whoever holds it may pay. */
  readonly token: string;
  readonly card: CardDetails;
}

export type ProcessPaymentResult =
  | { readonly ok: true; readonly paymentId: string; readonly orderId: string }
  /** The payment was paid, declined or refunded already, or another attempt on it is running. */
  | { readonly ok: false; readonly reason: 'NOT_PROCESSABLE'; readonly paymentStatus: PaymentStatus | 'PROCESSING' }
  /** The order ended (expired, cancelled, failed) or is gone: nothing is charged. */
  | { readonly ok: false; readonly reason: 'NOT_PAYABLE'; readonly orderStatus: OrderStatus | null }
  /** The card was declined or invalid; the order fails as the saga decides. */
  | { readonly ok: false; readonly reason: 'DECLINED'; readonly detail: string }
  /** The gateway failed; the same link may be tried again. */
  | { readonly ok: false; readonly reason: 'GATEWAY_ERROR'; readonly detail: string };

export type ProcessPaymentDeps = Pick<CorePorts, 'idempotency'> & HandlePaymentResultDeps;

/**
 * Orders being charged, claimed in the idempotency store under the order id: one charge at a time per order, across
 * replicas, and none after a capture (the claim of a captured order is completed and kept).
 */
const PROCESS_SCOPE = 'payments.process.order';
const PROCESSABLE: readonly PaymentStatus[] = ['INITIATED', 'ERROR'];
const PAYABLE_ORDER: readonly OrderStatus[] = ['PENDING', 'PAYMENT_PENDING'];

/**
 * Pays a payment link with a card: charges the gateway for the amount stored on the payment (never a client value)
 * and records the outcome as `handlePaymentResult` does, which signals the order's saga. A gateway that also
 * confirms by webhook repeats that outcome later, which `handlePaymentResult` treats as a redelivery.
 */
export async function processPayment(deps: ProcessPaymentDeps, input: ProcessPaymentInput): Promise<ProcessPaymentResult> {
  const request = requireObject(input, 'input');
  const token = requireString(request.token, 'token', { maxLength: 200 });
  const card = validCard(request.card);

  const payment = await deps.payments.getByToken(token);
  if (payment === null) throw notFound('payment link', 'token');
  if (!PROCESSABLE.includes(payment.status)) return { ok: false, reason: 'NOT_PROCESSABLE', paymentStatus: payment.status };
  const order = await deps.orders.get(payment.orderId);
  if (order === null || !PAYABLE_ORDER.includes(order.status)) {
    return { ok: false, reason: 'NOT_PAYABLE', orderStatus: order?.status ?? null };
  }

  // Refused before the gateway is called: another payment of this order was captured (a link opened before it was).
  const captured = (await deps.payments.listByOrder(order.id)).some((other) => other.status === 'SUCCEEDED');
  if (captured) return { ok: false, reason: 'NOT_PROCESSABLE', paymentStatus: 'SUCCEEDED' };

  const claim = await deps.idempotency.claim(PROCESS_SCOPE, order.id, payment.id);
  if (!claim.claimed) {
    return { ok: false, reason: 'NOT_PROCESSABLE', paymentStatus: claim.record.response === null ? 'PROCESSING' : 'SUCCEEDED' };
  }
  try {
    const charged = await deps.paymentGateway.charge({ paymentId: payment.id, amount: payment.amount, card });
    const recorded =
      charged.outcome === 'succeeded'
        ? { paymentId: payment.id, outcome: charged.outcome, reference: charged.reference }
        : { paymentId: payment.id, outcome: charged.outcome, reason: charged.reason };
    await handlePaymentResult(deps, recorded);
    if (charged.outcome !== 'succeeded') {
      // Only a capture ends the payment's processing; after a decline or a gateway error the claim is freed.
      await deps.idempotency.abandon(PROCESS_SCOPE, order.id);
      return { ok: false, reason: charged.outcome === 'declined' ? 'DECLINED' : 'GATEWAY_ERROR', detail: charged.reason };
    }
    const result = { ok: true as const, paymentId: payment.id, orderId: payment.orderId };
    await deps.idempotency.complete(PROCESS_SCOPE, order.id, { status: 200, body: result });
    return result;
  } catch (error) {
    await deps.idempotency.abandon(PROCESS_SCOPE, order.id);
    throw error;
  }
}

function validCard(value: unknown): CardDetails {
  const card = requireObject(value, 'card');
  return {
    number: requireString(card.number, 'card.number', { maxLength: 32 }),
    expMonth: requireInteger(card.expMonth, 'card.expMonth', { min: 1, max: 12 }),
    expYear: requireInteger(card.expYear, 'card.expYear', { min: 2000, max: 2200 }),
    cvc: requireString(card.cvc, 'card.cvc', { maxLength: 4 }),
    holder: requireString(card.holder, 'card.holder', { maxLength: 200 }),
  };
}
