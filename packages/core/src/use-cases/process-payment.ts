import { notFound } from '../domain/errors.js';
import type { OrderStatus } from '../domain/order.js';
import type { PaymentStatus } from '../domain/payment.js';
import type { CorePorts } from '../ports/core-ports.js';
import type { CardDetails } from '../ports/small-ports.js';
import { type HandlePaymentResultDeps, handlePaymentResult } from './handle-payment-result.js';
import { openPaymentAttempt, PAYABLE } from './initiate-payment.js';
import { holdForPayment } from './payment-hold.js';
import { requireInteger, requireObject, requireString } from './validate.js';

export interface ProcessPaymentInput {
  /** The payment link's secret (`initiatePayment`'s token): whoever holds it may pay. */
  readonly token: string;
  readonly card: CardDetails;
}

/** What every answer about an attempt on a still-open order carries. */
interface AttemptFacts {
  /** The payment attempt this call charged (a new one when the link's last attempt had been declined). */
  readonly paymentId: string;
  readonly orderId: string;
  /** When the order's hold ends, after the grace this payment got. */
  readonly holdUntil: Date;
}

export type ProcessPaymentResult =
  | ({ readonly ok: true } & AttemptFacts)
  /** The payment was paid or refunded already, or another attempt on the order is running. */
  | { readonly ok: false; readonly reason: 'NOT_PROCESSABLE'; readonly paymentStatus: PaymentStatus | 'PROCESSING' }
  /** The order ended (cancelled, confirmed, failed, expired) or is gone: nothing is charged. */
  | { readonly ok: false; readonly reason: 'NOT_PAYABLE'; readonly orderStatus: OrderStatus | null }
  /** The order's hold ran out (the order is about to end, or ended, unpaid): nothing is charged. */
  | { readonly ok: false; readonly reason: 'HOLD_EXPIRED'; readonly orderStatus: OrderStatus; readonly holdUntil: Date }
  /** The card was declined or invalid. The order stays PAYMENT_PENDING: another card may be tried until `holdUntil`. */
  | ({ readonly ok: false; readonly reason: 'DECLINED'; readonly detail: string } & AttemptFacts)
  /** The gateway failed. The order stays PAYMENT_PENDING: the payment may be tried again until `holdUntil`. */
  | ({ readonly ok: false; readonly reason: 'GATEWAY_ERROR'; readonly detail: string } & AttemptFacts);

export type ProcessPaymentDeps = Pick<CorePorts, 'idempotency'> & HandlePaymentResultDeps & { readonly paymentGraceMs?: number };

/**
 * Orders being charged, claimed in the idempotency store under the order id: one charge at a time per order, across
 * replicas, and none after a capture (the claim of a captured order is completed and kept).
 */
const PROCESS_SCOPE = 'payments.process.order';
const PROCESSABLE: readonly PaymentStatus[] = ['INITIATED', 'ERROR'];
/** An order ended by the end of its hold, rather than by a cancel or a payment. */
const ENDED_BY_HOLD: readonly OrderStatus[] = ['EXPIRED', 'FAILED'];

/**
 * Pays a payment link with a card: charges the gateway for the amount stored on the payment (never a client value)
 * and records the outcome as `handlePaymentResult` does, which signals the order's saga. A gateway that also
 * confirms by webhook repeats that outcome later, which `handlePaymentResult` treats as a redelivery.
 *
 * Each try is a payment attempt. The link stays usable after a decline: a link whose attempt was declined pays
 * through the order's next attempt (opened here, or the one `initiatePayment` opened), so the shopper retries with
 * another card on the same page until the hold ends. An attempt that met a gateway error stays open and is charged
 * again under its own id (a gateway dedupes a charge that did go through). Starting the charge gives the order's
 * hold its grace (`holdForPayment`); a hold that already ran out is refused before the gateway is called.
 */
export async function processPayment(deps: ProcessPaymentDeps, input: ProcessPaymentInput): Promise<ProcessPaymentResult> {
  const request = requireObject(input, 'input');
  const token = requireString(request.token, 'token', { maxLength: 200 });
  const card = validCard(request.card);

  const linked = await deps.payments.getByToken(token);
  if (linked === null) throw notFound('payment link', 'token');
  if (linked.status === 'SUCCEEDED' || linked.status === 'REFUNDED') {
    return { ok: false, reason: 'NOT_PROCESSABLE', paymentStatus: linked.status };
  }
  const order = await deps.orders.get(linked.orderId);
  if (order === null) return { ok: false, reason: 'NOT_PAYABLE', orderStatus: null };
  if (!PAYABLE.includes(order.status)) {
    if (ENDED_BY_HOLD.includes(order.status) && order.holdUntil.getTime() <= deps.clock.now().getTime()) {
      return { ok: false, reason: 'HOLD_EXPIRED', orderStatus: order.status, holdUntil: order.holdUntil };
    }
    return { ok: false, reason: 'NOT_PAYABLE', orderStatus: order.status };
  }

  // Refused before the gateway is called: another payment of this order was captured (a link opened before it was).
  const captured = (await deps.payments.listByOrder(order.id)).some((other) => other.status === 'SUCCEEDED');
  if (captured) return { ok: false, reason: 'NOT_PROCESSABLE', paymentStatus: 'SUCCEEDED' };
  // The attempt to charge: the link's own while it is open, else the order's live one (a new one after a decline).
  const { payment } = PROCESSABLE.includes(linked.status) ? { payment: linked } : await openPaymentAttempt(deps, order);
  if (!PROCESSABLE.includes(payment.status)) return { ok: false, reason: 'NOT_PROCESSABLE', paymentStatus: payment.status };

  const claim = await deps.idempotency.claim(PROCESS_SCOPE, order.id, payment.id);
  if (!claim.claimed) {
    return { ok: false, reason: 'NOT_PROCESSABLE', paymentStatus: claim.record.response === null ? 'PROCESSING' : 'SUCCEEDED' };
  }
  try {
    const hold = await holdForPayment(deps, order, deps.paymentGraceMs ?? 0);
    if (!hold.live) {
      await deps.idempotency.abandon(PROCESS_SCOPE, order.id);
      return { ok: false, reason: 'HOLD_EXPIRED', orderStatus: hold.order.status, holdUntil: hold.order.holdUntil };
    }
    const facts: AttemptFacts = { paymentId: payment.id, orderId: order.id, holdUntil: hold.order.holdUntil };
    const charged = await deps.paymentGateway.charge({ paymentId: payment.id, amount: payment.amount, card });
    const recorded =
      charged.outcome === 'succeeded'
        ? { paymentId: payment.id, outcome: charged.outcome, reference: charged.reference }
        : { paymentId: payment.id, outcome: charged.outcome, reason: charged.reason };
    await handlePaymentResult(deps, recorded);
    if (charged.outcome !== 'succeeded') {
      // Only a capture ends the order's processing; after a decline or a gateway error the claim is freed.
      await deps.idempotency.abandon(PROCESS_SCOPE, order.id);
      return { ok: false, reason: charged.outcome === 'declined' ? 'DECLINED' : 'GATEWAY_ERROR', detail: charged.reason, ...facts };
    }
    await deps.idempotency.complete(PROCESS_SCOPE, order.id, {
      status: 200,
      body: { ok: true, paymentId: payment.id, orderId: order.id },
    });
    return { ok: true, ...facts };
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
