import type { OrderSagaInput } from '@limitedcart/core';
import type { PgBoss, SendOptions } from 'pg-boss';
import type { PoolClient } from 'pg';
import { bossDb } from './db.js';
import type { PgBossRetryOptions, PgBossTuning } from './options.js';

/** The one queue that drives every saga: a job means "replay this saga and take it as far as it can go". */
export const ADVANCE_QUEUE = 'saga.advance';
/** Where advance jobs go when a saga fails for good (a non-retryable fault, or retries exhausted). */
export const DEAD_LETTER_QUEUE = 'saga.advance.dead';

export type WakeReason = 'start' | 'signal' | 'deadline' | 'busy';

export interface AdvanceJobData {
  readonly orderId: string;
  readonly reason: WakeReason;
  /** On a saga's first job: its payment-deadline timer was queued with it, so the advance need not queue it. */
  readonly deadlineQueued?: boolean;
}

/**
 * Sends advance jobs. The queue has the `short` policy: at most one *queued* job per singleton key, any
 * number active. A wake-up while one is already queued is dropped, which is safe because the queued job
 * has not run yet and will see everything committed before it runs; a wake-up while one is running is
 * kept, so nothing that arrives mid-advance is missed. The deadline timer uses its own key so a pending
 * timer never swallows a signal's wake-up.
 */
export class AdvanceQueue {
  constructor(
    private readonly boss: PgBoss,
    private readonly retry: PgBossRetryOptions,
    private readonly tuning: PgBossTuning,
  ) {}

  async create(): Promise<void> {
    await this.boss.createQueue(DEAD_LETTER_QUEUE, { retentionSeconds: 14 * 24 * 3600 });
    await this.boss.createQueue(ADVANCE_QUEUE, {
      policy: 'short',
      notify: true,
      deadLetter: DEAD_LETTER_QUEUE,
      expireInSeconds: this.tuning.expireInSeconds,
      retryLimit: this.retry.limit,
      retryDelay: this.retry.delaySeconds,
      retryBackoff: this.retry.backoff,
      ...(this.retry.backoff ? { retryDelayMax: this.retry.maxDelaySeconds } : {}),
    });
  }

  /**
   * Queues the first advance of new sagas and, with it, each one's payment-deadline timer: one insert inside
   * `client`'s open transaction, instead of a timer sent by every saga's first advance when it suspends.
   */
  async startAll(inputs: readonly OrderSagaInput[], { client }: { client: Pick<PoolClient, 'query'> }): Promise<void> {
    const jobs = inputs.flatMap(({ orderId, paymentDeadline }) => [
      { data: { orderId, reason: 'start', deadlineQueued: true } satisfies AdvanceJobData, singletonKey: orderId },
      {
        data: { orderId, reason: 'deadline' } satisfies AdvanceJobData,
        singletonKey: deadlineKey(orderId),
        startAfter: new Date(paymentDeadline),
      },
    ]);
    await this.boss.insert(ADVANCE_QUEUE, jobs, { db: bossDb(client) });
  }

  /**
   * Queues an advance; `client` sends it inside that client's open transaction. `startAfter`: a moment, or seconds
   * from now by the database's clock (pg-boss adds them to its `now()`).
   */
  async wake(
    orderId: string,
    reason: WakeReason,
    { client, startAfter }: { client?: Pick<PoolClient, 'query'>; startAfter?: Date | number } = {},
  ): Promise<void> {
    const options: SendOptions = {
      singletonKey: reason === 'deadline' ? deadlineKey(orderId) : orderId,
      ...(startAfter ? { startAfter } : {}),
      ...(client ? { db: bossDb(client) } : {}),
    };
    const data: AdvanceJobData = { orderId, reason };
    await this.boss.send(ADVANCE_QUEUE, { ...data }, options);
  }
}

/** The deadline timer has a key of its own, so a pending timer never swallows a signal's wake-up. */
const deadlineKey = (orderId: string): string => `${orderId}:deadline`;
