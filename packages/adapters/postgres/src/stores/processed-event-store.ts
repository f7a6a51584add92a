import type { ProcessedEventStore } from '@limitedcart/core';
import { type Executor, query, type TableNames } from '../sql.js';

export const createProcessedEventStore = (db: Executor, t: TableNames): ProcessedEventStore => ({
  async markProcessed(group, eventId) {
    const rows = await query(
      db,
      'mark event processed',
      `INSERT INTO ${t.processedEvents} (group_name, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
      [group, eventId],
    );
    return rows.length === 1;
  },

  async unmark(group, eventId) {
    await query(db, 'unmark event', `DELETE FROM ${t.processedEvents} WHERE group_name = $1 AND event_id = $2`, [
      group,
      eventId,
    ]);
  },
});
