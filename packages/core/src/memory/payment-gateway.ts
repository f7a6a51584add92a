import { newId } from '../domain/ids.js';
import type { Money } from '../domain/money.js';
import type { ChargeResult, PaymentGateway } from '../ports/small-ports.js';

/**
 * Card numbers with a fixed outcome, as payment providers document for their sandboxes.
 * Any other number succeeds.
 */
export const TEST_CARDS = {
  succeeds: '4242424242424242',
  declines: '4000000000000002',
  gatewayError: '4000000000000119',
} as const;

export interface RecordedRefund {
  readonly paymentId: string;
  readonly reference: string;
  readonly amount: Money;
}

/** The mock gateway plus what it recorded, for assertions. */
export interface MemoryPaymentGateway extends PaymentGateway {
  /** Refunds made, one per payment id however often `refund` was called. */
  refunds(): readonly RecordedRefund[];
  /** Number of charges attempted. */
  chargeCount(): number;
}

/** A deterministic payment gateway: the outcome depends only on the card number (see TEST_CARDS). */
export const createMemoryPaymentGateway = (): MemoryPaymentGateway => {
  const refunds = new Map<string, RecordedRefund>();
  let charges = 0;
  return {
    async charge({ card }): Promise<ChargeResult> {
      charges += 1;
      const number = card.number.replace(/\s+/g, '');
      if (number === TEST_CARDS.declines) return { outcome: 'declined', reason: 'card declined' };
      if (number === TEST_CARDS.gatewayError) return { outcome: 'error', reason: 'gateway unavailable' };
      return { outcome: 'succeeded', reference: `mock_${newId()}` };
    },
    async refund({ paymentId, reference, amount }) {
      if (!refunds.has(paymentId)) refunds.set(paymentId, { paymentId, reference, amount });
    },
    refunds: () => [...refunds.values()],
    chargeCount: () => charges,
  };
};
