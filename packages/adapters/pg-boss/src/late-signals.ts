import { handleLateSignal } from '@limitedcart/core/saga';
import type { OrderSagaActivities } from '@limitedcart/core/saga';
import type { Pool } from 'pg';
import { withTransaction } from './db.js';
import type { SagaTables } from './store.js';

/**
 * Applies core's late-signal policy to signals that reached a saga after it ended. Each late signal row is
 * locked while its policy runs and marked handled in the same transaction, so concurrent callers (a
 * redelivered webhook, the worker finishing the saga) apply it once; a failure leaves it unhandled for
 * the next caller or the job's retry.
 */
export class LateSignals {
  constructor(
    private readonly pool: Pool,
    private readonly tables: SagaTables,
    private readonly activities: Pick<OrderSagaActivities, 'refundPayment'>,
  ) {}

  async handle(orderId: string): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      const late = await this.tables.lockUnhandledLate(client, orderId);
      for (const { signalId, body } of late) {
        await handleLateSignal(this.activities, orderId, body);
        await this.tables.markLateHandled(client, orderId, signalId);
      }
      return late.length;
    });
  }
}
