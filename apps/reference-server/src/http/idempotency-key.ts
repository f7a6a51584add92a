import type { Context } from 'hono';

/**
 * The `Idempotency-Key` request header. The use cases that honour it (placing an order, restocking) claim, store
 * and replay under it themselves; the edge passes it on and marks a replayed answer.
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** `idempotent-replayed: true` on an answer that is an earlier request's, replayed under its key. */
export const replayedHeader = (c: Context, replayed: boolean): void => {
  if (replayed) c.header('idempotent-replayed', 'true');
};
