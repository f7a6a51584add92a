import type { DropQueuePolicy, QueueSettingsStore } from '@limitedcart/core';
import { type PostgresTarget, resolveSchema } from './options.js';
import { query } from './sql.js';

export type PostgresQueueSettingsOptions = PostgresTarget;

/** Core's `QueueSettingsStore` on Postgres (tables of migration 0011). */
export function createPostgresQueueSettingsStore(options: PostgresQueueSettingsOptions): QueueSettingsStore {
  const schema = resolveSchema(options.schema);
  const q = (name: string) => `"${schema}".${name}`;
  const db = options.pool;
  return {
    async put(dropId, policy) {
      await query(
        db,
        'put queue settings',
        `INSERT INTO ${q('queue_settings')} (drop_id, policy) VALUES ($1, $2)
         ON CONFLICT (drop_id) DO UPDATE SET policy = excluded.policy, updated_at = clock_timestamp()`,
        [dropId, JSON.stringify(policy)],
      );
    },
    async get(dropId) {
      const [row] = await query<{ policy: DropQueuePolicy }>(db, 'get queue settings', `SELECT policy FROM ${q('queue_settings')} WHERE drop_id = $1`, [dropId]);
      return row?.policy ?? null;
    },
    async list() {
      const rows = await query<{ drop_id: string }>(db, 'list queue settings', `SELECT drop_id FROM ${q('queue_settings')} ORDER BY drop_id`);
      return rows.map((row) => row.drop_id);
    },
    async countAddress(dropId, address, cap) {
      const rows = await query(
        db,
        'count queue address',
        `INSERT INTO ${q('queue_address_entries')} AS a (drop_id, address, entries) SELECT $1, $2, 1 WHERE coalesce($3::int, 1) >= 1
         ON CONFLICT (drop_id, address) DO UPDATE SET entries = a.entries + 1 WHERE $3::int IS NULL OR a.entries < $3::int
         RETURNING entries`,
        [dropId, address, cap],
      );
      return rows.length > 0;
    },
    async uncountAddress(dropId, address) {
      await query(
        db,
        'uncount queue address',
        `UPDATE ${q('queue_address_entries')} SET entries = entries - 1 WHERE drop_id = $1 AND address = $2 AND entries > 0`,
        [dropId, address],
      );
    },
    async addresses(dropId, { minEntries, limit }) {
      const rows = await query<{ address: string; entries: number }>(
        db,
        'queue addresses',
        `SELECT address, entries FROM ${q('queue_address_entries')} WHERE drop_id = $1 AND entries >= $2
         ORDER BY entries DESC, address LIMIT $3`,
        [dropId, minEntries, limit],
      );
      return rows.map((row) => ({ address: row.address, entries: Number(row.entries) }));
    },
  };
}
