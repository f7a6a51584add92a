import type { OutboxStore } from '@limitedcart/core';
import { appendEvents, claimUnshipped, markShipped } from '../outbox.js';
import type { Executor, TableNames } from '../sql.js';

export const createOutboxStore = (db: Executor, t: TableNames, schema: string): OutboxStore => ({
  append: (events) => appendEvents(db, t, schema, events),
  claimUnshipped: (limit, leaseMs) => claimUnshipped(db, t, limit, leaseMs),
  markShipped: (positions) => markShipped(db, t, positions),
});
