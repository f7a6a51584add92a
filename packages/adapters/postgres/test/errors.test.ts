import { isLimitedCartError, type LimitedCartError } from '@limitedcart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStores } from '../src/index.js';
import { createTestDatabase, hasDatabase, type TestDatabase } from './support.js';

/** What callers may see of a refused value: the engine's words, never the database's (issue 18 finding 12). */
describe.skipIf(!hasDatabase)('errors a caller can cause', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ max: 2 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const DATABASE_TEXT = /UTF8|0x00|byte sequence|out of range|violates|constraint|duplicate key|relation|column/i;

  it('a NUL byte is VALIDATION without the database text, which stays in the cause', async () => {
    const stores = createPostgresStores(db);
    const error = await stores.customers.getByEmail('a\u0000b@example.com').catch((e: unknown) => e);
    expect(isLimitedCartError(error, 'VALIDATION')).toBe(true);
    expect((error as LimitedCartError).message).not.toMatch(DATABASE_TEXT);
    expect((error as LimitedCartError).details).toBeUndefined();
    expect(String(((error as LimitedCartError).cause as Error).message)).toMatch(/0x00/);
  });

  it('a taken key is CONFLICT without the constraint name', async () => {
    const stores = createPostgresStores(db);
    const input = { email: 'taken@example.com', passwordHash: 'x', roles: ['USER' as const] };
    await stores.customers.create(input);
    const error = await stores.customers.create(input).catch((e: unknown) => e);
    expect(isLimitedCartError(error, 'CONFLICT')).toBe(true);
    expect((error as LimitedCartError).message).not.toMatch(DATABASE_TEXT);
  });
});
