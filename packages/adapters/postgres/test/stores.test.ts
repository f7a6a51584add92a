import { isLimitedCartError, newId, type NewOrder, type Order, type StoreSet } from '@limitedcart/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSessionStore, createPostgresStores } from '../src/index.js';
import { createTestDatabase, hasDatabase, recordingQueries, type TestDatabase } from './support.js';

const newOrder = (): NewOrder => ({
  id: newId(),
  customerId: newId(),
  productId: newId(),
  sku: 'sku-1',
  quantity: 2,
  unitPrice: { amount: 1_500, currency: 'USD' },
  total: { amount: 3_000, currency: 'USD' },
  holdUntil: new Date(Date.now() + 600_000),
});

describe.skipIf(!hasDatabase)('Postgres stores (adapter-specific)', () => {
  let db: TestDatabase;
  let stores: StoreSet;

  beforeAll(async () => {
    db = await createTestDatabase();
    stores = createPostgresStores({ pool: db.pool, schema: db.schema });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('commits an order and its outbox event together', async () => {
    const order = newOrder();
    await stores.unitOfWork.run(async (tx) => {
      await tx.orders.create(order);
      await tx.outbox.append([
        { id: newId(), topic: 'orders', type: 'order.placed', aggregateId: order.id, payload: {}, occurredAt: '' },
      ]);
    });
    expect((await stores.orders.get(order.id))?.status).toBe('PENDING');
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${db.schema}".outbox WHERE aggregate_id = $1`, [
      order.id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('an outbox append inside a rolled-back unit of work leaves no row, and neither does the state change', async () => {
    const order = newOrder();
    await expect(
      stores.unitOfWork.run(async (tx) => {
        await tx.orders.create(order);
        await tx.outbox.append([
          { id: newId(), topic: 'orders', type: 'order.placed', aggregateId: order.id, payload: {}, occurredAt: '' },
        ]);
        throw new Error('payment provider down');
      }),
    ).rejects.toThrow('payment provider down');
    expect(await stores.orders.get(order.id)).toBeNull();
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${db.schema}".outbox WHERE aggregate_id = $1`, [
      order.id,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('of concurrent transitions to two terminal states exactly one wins', async () => {
    const order = await stores.orders.create(newOrder());
    const results = await Promise.all([
      stores.orders.transition(order.id, 'CANCELLED', 'shopper'),
      stores.orders.transition(order.id, 'EXPIRED', 'deadline'),
      stores.orders.transition(order.id, 'FAILED', 'declined'),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const final = await stores.orders.get(order.id);
    for (const r of results.filter((r) => !r.ok)) expect(r).toEqual({ ok: false, reason: 'ILLEGAL_TRANSITION', current: final?.status });
  });

  it('300 concurrent idempotency lookups share round trips and each gets its own answer', async () => {
    const { pool: counted, statements } = recordingQueries(db.pool);
    const idempotency = createPostgresStores({ pool: counted, schema: db.schema }).idempotency;
    const scope = `batch-${newId()}`;
    for (let i = 0; i < 100; i += 1) await idempotency.claim(scope, `used-${i}`, `hash-${i}`);
    await idempotency.complete(scope, 'used-7', { status: 202, body: { orderId: 'o-7' } });
    statements.length = 0;
    const keys = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `used-${i / 3}` : `fresh-${i}`));
    const found = await Promise.all(keys.map((key) => idempotency.find(scope, key)));
    keys.forEach((key, i) => {
      if (key.startsWith('fresh-')) expect(found[i]).toBeNull();
      else expect(found[i]).toMatchObject({ scope, key, requestHash: `hash-${Number(key.slice(5))}` });
    });
    expect(found[21]?.response).toEqual({ status: 202, body: { orderId: 'o-7' } });
    expect(statements).toHaveLength(1);
  });

  it('concurrent claims and completions share statements; a key claimed twice at once goes to one caller', async () => {
    const { pool: counted, statements } = recordingQueries(db.pool);
    const idempotency = createPostgresStores({ pool: counted, schema: db.schema }).idempotency;
    const scope = `claims-${newId()}`;
    await idempotency.claim(scope, 'earlier', 'hash-earlier');
    statements.length = 0;
    const keys = Array.from({ length: 200 }, (_, i) => `k-${i}`);
    const claims = await Promise.all([
      ...keys.map((key) => idempotency.claim(scope, key, `hash-${key}`)),
      idempotency.claim(scope, 'k-0', 'hash-k-0'),
      idempotency.claim(scope, 'earlier', 'hash-earlier'),
    ]);
    expect(claims.slice(0, 200).every((claim) => claim.claimed)).toBe(true);
    // The losers read the winner's claim: one more statement each.
    expect(claims[200]).toMatchObject({ claimed: false, record: { key: 'k-0', response: null } });
    expect(claims[201]).toMatchObject({ claimed: false, record: { key: 'earlier', response: null } });
    expect(statements).toHaveLength(3);
    statements.length = 0;
    await Promise.all(keys.map((key, i) => idempotency.complete(scope, key, { status: 202, body: { n: i } })));
    expect(statements).toHaveLength(1);
    const stored = await Promise.all(keys.map((key) => idempotency.find(scope, key)));
    expect(stored.map((record) => record?.response)).toEqual(keys.map((_, n) => ({ status: 202, body: { n } })));
    // Abandons too share one statement, and free only keys still in flight.
    const inFlight = Array.from({ length: 200 }, (_, i) => `a-${i}`);
    await Promise.all(inFlight.map((key) => idempotency.claim(scope, key, `hash-${key}`)));
    statements.length = 0;
    await Promise.all([...inFlight, 'k-0', 'k-1'].map((key) => idempotency.abandon(scope, key)));
    expect(statements).toHaveLength(1);
    const after = await Promise.all([...inFlight, 'k-0', 'k-1'].map((key) => idempotency.find(scope, key)));
    expect(after.slice(0, 200).every((record) => record === null)).toBe(true);
    expect(after.slice(200).map((record) => record?.response)).toEqual([
      { status: 202, body: { n: 0 } },
      { status: 202, body: { n: 1 } },
    ]);
  });

  it('concurrent account and session reads by id share one statement each; unknown ids read as null', async () => {
    const { pool: counted, statements } = recordingQueries(db.pool);
    const customers = createPostgresStores({ pool: counted, schema: db.schema }).customers;
    const sessions = createPostgresSessionStore({ pool: counted, schema: db.schema });
    const accounts = await Promise.all(
      Array.from({ length: 50 }, (_, i) => customers.create({ email: `reader-${i}-${newId()}@example.com`, passwordHash: 'h', roles: ['USER'] })),
    );
    const opened = await Promise.all(
      accounts.map((account) => sessions.create({ customerId: account.id, refreshTokenHash: `hash-${account.id}`, ttlMs: 60_000 })),
    );
    statements.length = 0;
    const ids = [...accounts.map((account) => account.id), accounts[0]!.id, 'no-such-customer'];
    const sessionIds = [...opened.map((session) => session.id), opened[0]!.id, 'no-such-session'];
    const [readAccounts, readSessions] = await Promise.all([
      Promise.all(ids.map((id) => customers.get(id))),
      Promise.all(sessionIds.map((id) => sessions.get(id))),
    ]);
    expect(statements).toHaveLength(2);
    expect(readAccounts.map((account) => account?.email)).toEqual([...accounts.map((account) => account.email), accounts[0]!.email, undefined]);
    expect(readAccounts.at(-1)).toBeNull();
    expect(readSessions.map((session) => session?.customerId)).toEqual([...accounts.map((account) => account.id), accounts[0]!.id, undefined]);
    expect(readSessions.at(-1)).toBeNull();
  });

  it('concurrent order reads by id share one statement; unknown ids read as null', async () => {
    const orders = Array.from({ length: 20 }, newOrder);
    for (const order of orders) await stores.orders.create(order);
    const { pool: counted, statements } = recordingQueries(db.pool);
    const reader = createPostgresStores({ pool: counted, schema: db.schema }).orders;
    const ids = [...orders.map((order) => order.id), orders[0]!.id, 'no-such-order'];
    const read = await Promise.all(ids.map((id) => reader.get(id)));
    expect(statements).toHaveLength(1);
    expect(read.map((order) => order?.id ?? null)).toEqual([...orders.map((order) => order.id), orders[0]!.id, null]);
    expect(read[0]).toMatchObject({ status: 'PENDING', quantity: 2, total: { amount: 3_000, currency: 'USD' } });
  });

  it('concurrent createOrder calls commit in groups of up to 100, each order in one transaction with its event', async () => {
    const orders = Array.from({ length: 250 }, newOrder);
    const event = (order: NewOrder) => ({
      id: newId(),
      topic: 'orders',
      type: 'order.placed',
      aggregateId: order.id,
      payload: {},
      occurredAt: new Date().toISOString(),
    });
    await Promise.all(orders.map((order) => stores.unitOfWork.createOrder(order, [event(order)])));
    // xmin: the transaction that wrote the order row; the outbox row records its appending transaction's id.
    const { rows } = await db.pool.query<{ tx: string; outbox_tx: string | null }>(
      `SELECT o.xmin::text AS tx, (e.xid::text::numeric % 4294967296)::text AS outbox_tx
       FROM "${db.schema}".orders o LEFT JOIN "${db.schema}".outbox e ON e.aggregate_id = o.id
       WHERE o.id = ANY($1::text[])`,
      [orders.map((order) => order.id)],
    );
    expect(rows).toHaveLength(250);
    expect(rows.filter((row) => row.outbox_tx !== row.tx)).toEqual([]);
    expect(new Set(rows.map((row) => row.tx)).size).toBe(3);
  });

  it('a group that fails on one order leaves every pooled connection usable', async () => {
    const existing = await stores.orders.create(newOrder());
    const group = [...Array.from({ length: 20 }, newOrder), { ...newOrder(), id: existing.id }];
    const outcomes = await Promise.allSettled(group.map((order) => stores.unitOfWork.createOrder(order, [])));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);
    // Every connection the pool holds answers: none was returned inside the failed group's aborted transaction.
    const clients = await Promise.all(Array.from({ length: db.pool.options.max ?? 10 }, () => db.pool.connect()));
    try {
      await Promise.all(clients.map((client) => client.query('SELECT 1')));
    } finally {
      for (const client of clients) client.release();
    }
  });

  it('concurrent transitionOrder calls move their orders in shared transactions, each with its events', async () => {
    const placed = await Promise.all(Array.from({ length: 150 }, () => stores.orders.create(newOrder())));
    const event = (order: Order) => ({
      id: newId(),
      topic: 'orders',
      type: 'order.progress',
      aggregateId: order.id,
      payload: { status: order.status },
      occurredAt: new Date().toISOString(),
    });
    const results = await Promise.all(
      placed.map((order) => stores.unitOfWork.transitionOrder(order.id, 'PAYMENT_PENDING', null, (moved) => [event(moved)])),
    );
    expect(results.every((result) => result.ok && result.order.status === 'PAYMENT_PENDING')).toBe(true);
    const { rows } = await db.pool.query<{ tx: string; outbox_tx: string | null; announced: string | null }>(
      `SELECT o.xmin::text AS tx, (e.xid::text::numeric % 4294967296)::text AS outbox_tx, e.payload->>'status' AS announced
       FROM "${db.schema}".orders o LEFT JOIN "${db.schema}".outbox e ON e.aggregate_id = o.id
       WHERE o.id = ANY($1::text[])`,
      [placed.map((order) => order.id)],
    );
    expect(rows).toHaveLength(150);
    expect(rows.filter((row) => row.outbox_tx !== row.tx || row.announced !== 'PAYMENT_PENDING')).toEqual([]);
    expect(new Set(rows.map((row) => row.tx)).size).toBe(2);
  });

  it('maps a duplicate email (any case) to CONFLICT', async () => {
    await stores.customers.create({ email: 'Drop@Example.com', passwordHash: 'h', roles: ['USER'] });
    await expect(stores.customers.create({ email: 'drop@example.COM ', passwordHash: 'h', roles: ['USER'] })).rejects.toSatisfy(
      (e: unknown) => isLimitedCartError(e, 'CONFLICT'),
    );
  });

  it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const id = newId();
    await stores.audit.append([{ id, kind: 'product.updated', actorId: null, subject: 'p-1', details: { changes: {} } }]);
    for (const statement of [
      `UPDATE "${db.schema}".audit_log SET actor_id = 'someone-else' WHERE id = '${id}'`,
      `DELETE FROM "${db.schema}".audit_log WHERE id = '${id}'`,
      `TRUNCATE "${db.schema}".audit_log`,
    ]) {
      await expect(db.pool.query(statement), statement).rejects.toThrow(/append-only/);
    }
    expect((await stores.audit.list({ page: 0, size: 5, subject: 'p-1' })).items).toEqual([expect.objectContaining({ id, actorId: null })]);
  });

  it('rejects out-of-range input with VALIDATION and writes nothing', async () => {
    const order = { ...newOrder(), quantity: -1 };
    await expect(stores.orders.create(order)).rejects.toSatisfy((e: unknown) => isLimitedCartError(e, 'VALIDATION'));
    expect(await stores.orders.get(order.id)).toBeNull();
  });

  it('reports an unreachable database as INFRASTRUCTURE', async () => {
    const dead = new pg.Pool({ connectionString: 'postgres://postgres:x@127.0.0.1:1/postgres', connectionTimeoutMillis: 2_000 });
    try {
      const unreachable = createPostgresStores({ pool: dead, schema: db.schema });
      await expect(unreachable.orders.get(newId())).rejects.toSatisfy((e: unknown) => isLimitedCartError(e, 'INFRASTRUCTURE'));
      await expect(unreachable.unitOfWork.run(async () => 1)).rejects.toSatisfy((e: unknown) =>
        isLimitedCartError(e, 'INFRASTRUCTURE'),
      );
    } finally {
      await dead.end();
    }
  });
});
