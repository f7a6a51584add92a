import { newId } from '@limitedcart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresAdmissionQueue } from '../src/index.js';
import { createTestDatabase, hasDatabase, recordingQueries, type TestDatabase } from './support.js';

describe.skipIf(!hasDatabase)('Postgres admission queue (adapter-specific)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('positions asked together are read by one statement per drop, each with its own answer', async () => {
    const { pool, statements } = recordingQueries(db.pool);
    const queue = createPostgresAdmissionQueue({ pool, schema: db.schema });
    const drops = [newId(), newId()];
    const customers = Array.from({ length: 20 }, () => newId());
    for (const dropId of drops) {
      await queue.configure(dropId, { mode: 'fifo', opensAt: new Date(Date.now() - 1_000) });
      // One after the other: tickets (and so positions) follow the order of the joins.
      for (const customerId of customers) expect((await queue.join(dropId, customerId)).ok, 'joined').toBe(true);
    }
    statements.length = 0;

    const stranger = newId();
    const asked = drops.flatMap((dropId) => [...customers, stranger].map((customerId) => ({ dropId, customerId })));
    const answers = await Promise.all(asked.map(({ dropId, customerId }) => queue.position(dropId, customerId)));

    expect(statements.filter((text) => text.includes('queue_position')), 'one statement per drop for 42 positions').toHaveLength(2);
    for (const dropId of drops) {
      const mine = answers.filter((_, index) => asked[index]!.dropId === dropId);
      expect(mine.slice(0, customers.length).map((entry) => [entry?.state, entry?.position]), `positions in ${dropId}`).toEqual(
        customers.map((_, index) => ['WAITING', index + 1]),
      );
      expect(mine.at(-1), 'a customer who never joined has no entry').toBeNull();
    }
  });
});
