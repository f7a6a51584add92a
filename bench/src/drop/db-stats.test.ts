import { describe, expect, it } from 'vitest';
import { dbWrites } from './db-stats.js';

describe('dbWrites', () => {
  it('reports the rows each table gained per attempt, busiest first, and leaves untouched tables out', () => {
    const before = { commits: 100, tables: { 's.idempotency_keys': { inserted: 10, updated: 10, deleted: 0 }, 's.stock': { inserted: 1, updated: 5, deleted: 0 } } };
    const after = {
      commits: 400,
      tables: {
        's.idempotency_keys': { inserted: 110, updated: 110, deleted: 0 },
        's.stock': { inserted: 1, updated: 5, deleted: 0 },
        's.orders': { inserted: 50, updated: 0, deleted: 0 },
      },
    };
    expect(dbWrites(before, after, 100)).toEqual({
      commits: 300,
      commitsPerAttempt: 3,
      tables: [
        { table: 's.idempotency_keys', inserted: 100, updated: 100, deleted: 0, rowsPerAttempt: 2 },
        { table: 's.orders', inserted: 50, updated: 0, deleted: 0, rowsPerAttempt: 0.5 },
      ],
    });
  });
});
