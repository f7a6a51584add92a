import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@limitedcart/core';
import { waitFor } from '@limitedcart/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToOutbox, createPostgresEventBus, createPostgresStores, type PostgresEventBus } from '../src/index.js';
import { createTestDatabase, DATABASE_URL, hasDatabase, type TestDatabase } from './support.js';

const event = (topic: string, aggregateId: string, n: number): DomainEvent => ({
  id: randomUUID(),
  topic,
  type: 'test.happened',
  aggregateId,
  payload: { n },
  occurredAt: new Date().toISOString(),
});

describe.skipIf(!hasDatabase)('Postgres event bus (adapter-specific)', () => {
  let db: TestDatabase;
  const buses: PostgresEventBus[] = [];
  const newBus = (pollIntervalMs = 200) => {
    const bus = createPostgresEventBus({ pool: db.pool, schema: db.schema, pollIntervalMs, retryInitialDelayMs: 20 });
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await db?.drop();
  });

  it('delivers events published while no subscriber was connected', async () => {
    const topic = `t-${randomUUID()}`;
    const events = [1, 2, 3].map((n) => event(topic, 'a', n));
    await newBus().publish(events);
    const seen: string[] = [];
    const sub = await newBus().subscribe(topic, 'late-group', async (e) => {
      seen.push(e.id);
    });
    await waitFor(() => seen.length === 3, { message: 'backlog delivered' });
    expect(seen).toEqual(events.map((e) => e.id));
    await sub.unsubscribe();
  });

  it('a round claims the lease and reads its batch in one statement', async () => {
    const statements: string[] = [];
    const counting = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
    const query = counting.query.bind(counting) as (...args: unknown[]) => unknown;
    counting.query = ((...args: unknown[]) => {
      const [config] = args;
      const text = typeof config === 'string' ? config : (config as { text?: unknown } | undefined)?.text;
      if (typeof text === 'string') statements.push(text);
      return query(...args);
    }) as typeof counting.query;
    const bus = createPostgresEventBus({ pool: counting, schema: db.schema, pollIntervalMs: 50, retryInitialDelayMs: 20 });
    try {
      const topic = `t-${randomUUID()}`;
      const events = [1, 2, 3, 4].map((n) => event(topic, `a-${n % 2}`, n));
      await bus.publish(events);
      const seen: string[] = [];
      const sub = await bus.subscribe(topic, 'one-statement', async (e) => {
        seen.push(e.id);
      });
      await waitFor(() => seen.length === 4, { message: 'batch delivered' });
      expect([...seen].sort()).toEqual(events.map((e) => e.id).sort());
      await sub.unsubscribe();
      const reads = statements.filter((text) => text.includes('pg_snapshot_xmin'));
      expect(reads.length).toBeGreaterThan(0);
      // Every read of the outbox is the lease's claim too; no claim goes alone.
      expect(reads.every((text) => text.includes('lease_owner = $3'))).toBe(true);
      const claims = statements.filter((text) => text.includes('lease_until < clock_timestamp()'));
      expect(claims.length).toBeGreaterThan(0);
      expect(claims.filter((text) => !text.includes('pg_snapshot_xmin'))).toEqual([]);
    } finally {
      await bus.close();
      await counting.end();
    }
  });

  it('a restarted consumer resumes from its stored offset', async () => {
    const topic = `t-${randomUUID()}`;
    const bus = newBus();
    const first: number[] = [];
    const sub = await bus.subscribe(topic, 'resume', async (e) => {
      first.push(e.payload.n as number);
    });
    await bus.publish([1, 2, 3].map((n) => event(topic, 'a', n)));
    await waitFor(() => first.length === 3, { message: 'first three' });
    await sub.unsubscribe();

    await bus.publish([4, 5].map((n) => event(topic, 'a', n)));
    const second: number[] = [];
    const restarted = await newBus().subscribe(topic, 'resume', async (e) => {
      second.push(e.payload.n as number);
    });
    await waitFor(() => second.length === 2, { message: 'resumed events' });
    expect(first).toEqual([1, 2, 3]);
    expect(second).toEqual([4, 5]);
    await restarted.unsubscribe();
  });

  it('a failing handler gets the same event again and order is kept', async () => {
    const topic = `t-${randomUUID()}`;
    const bus = newBus();
    const seen: number[] = [];
    let failures = 0;
    const sub = await bus.subscribe(topic, 'retry', async (e) => {
      const n = e.payload.n as number;
      if (n === 2 && failures < 2) {
        failures += 1;
        throw new Error('transient');
      }
      seen.push(n);
    });
    await bus.publish([1, 2, 3].map((n) => event(topic, 'agg', n)));
    await waitFor(() => seen.length === 3, { message: 'all after retries' });
    expect(seen).toEqual([1, 2, 3]);
    expect(failures).toBe(2);
    await sub.unsubscribe();
  });

  it('handles different aggregates of a batch side by side, each aggregate in order, and holds the offset at a failure', async () => {
    const topic = `t-${randomUUID()}`;
    const bus = newBus();
    // Every aggregate's first event waits until all five first events are in flight: handled one at a time, the
    // first would never return.
    const inFlight = new Set<string>();
    let allIn: () => void = () => {};
    const allFirstsIn = new Promise<void>((resolve) => {
      allIn = resolve;
    });
    const seen: string[] = [];
    let failedOnce = false;
    const sub = await bus.subscribe(topic, 'lanes', async (e) => {
      const n = e.payload.n as number;
      if (n === 1) {
        inFlight.add(e.aggregateId);
        if (inFlight.size === 5) allIn();
        await allFirstsIn;
      }
      if (e.aggregateId === 'agg-2' && n === 2 && !failedOnce) {
        failedOnce = true;
        throw new Error('transient');
      }
      seen.push(`${e.aggregateId}:${n}`);
    });
    const aggregates = [0, 1, 2, 3, 4].map((i) => `agg-${i}`);
    await bus.publish([1, 2, 3].flatMap((n) => aggregates.map((aggregate) => event(topic, aggregate, n))));
    await waitFor(() => new Set(seen).size === 15, { message: 'every event handled' });
    for (const aggregate of aggregates) {
      expect(seen.filter((entry) => entry.startsWith(`${aggregate}:`)).map((entry) => entry.slice(-1))).toEqual(
        // The failed event's aggregate comes again from the failure on; others may be handled again (at-least-once).
        aggregate === 'agg-2' ? ['1', '2', '3'] : expect.arrayContaining(['1', '2', '3']),
      );
    }
    expect(failedOnce).toBe(true);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${db.schema}".outbox WHERE topic = $1`, [topic]);
    expect(rows[0].n).toBe(15);
    await sub.unsubscribe();
  });

  it('wakes subscribers through NOTIFY when an outbox append commits, and not for a rolled-back one', async () => {
    const topic = `t-${randomUUID()}`;
    // A long poll interval: delivery within the wait relies on the NOTIFY wake-up.
    const bus = newBus(60_000);
    const seen: string[] = [];
    const sub = await bus.subscribe(topic, 'notified', async (e) => {
      seen.push(e.id);
    });
    const stores = createPostgresStores({ pool: db.pool, schema: db.schema });
    const rolledBack = event(topic, 'a', 0);
    await expect(
      stores.unitOfWork.run(async (tx) => {
        await tx.outbox.append([rolledBack]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const committed = event(topic, 'a', 1);
    await stores.unitOfWork.run((tx) => tx.outbox.append([committed]));
    await waitFor(() => seen.length === 1, { message: 'notified delivery' });
    expect(seen).toEqual([committed.id]);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${db.schema}".outbox WHERE event_id = $1`, [
      rolledBack.id,
    ]);
    expect(rows[0].n).toBe(0);
    await sub.unsubscribe();
  });

  it('an event of an older transaction that commits after a younger one is delivered, not skipped', async () => {
    const topic = `t-${randomUUID()}`;
    const bus = newBus(50);
    const seen: number[] = [];
    const sub = await bus.subscribe(topic, 'late-commit', async (e) => {
      seen.push(e.payload.n as number);
    });
    const older = new pg.Client({ connectionString: DATABASE_URL });
    await older.connect();
    try {
      // The older transaction takes its id and appends first, then stays open while a younger one commits.
      await older.query('BEGIN');
      await appendToOutbox(older, [event(topic, 'a', 1)], { schema: db.schema });
      await bus.publish([event(topic, 'b', 2)]);
      // Several polls pass: the younger event is committed but must wait, or the cursor would pass the older one.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toEqual([]);
      await older.query('COMMIT');
      await waitFor(() => seen.length === 2, { message: 'both delivered' });
      expect(seen).toEqual([1, 2]);
    } finally {
      await older.end();
      await sub.unsubscribe();
    }
  });

  it('recovers from a lost LISTEN connection and delivers what was published meanwhile', async () => {
    const topic = `t-${randomUUID()}`;
    const errors: unknown[] = [];
    // A poll interval longer than the wait: delivery relies on the listener reconnecting and catching up.
    const bus = createPostgresEventBus({ pool: db.pool, schema: db.schema, pollIntervalMs: 120_000, onError: (e) => errors.push(e) });
    buses.push(bus);
    const seen: number[] = [];
    const sub = await bus.subscribe(topic, 'reconnect', async (e) => void seen.push(e.payload.n as number));
    const listenQuery = `LISTEN "${db.schema}_outbox"`;
    const { rows } = await db.pool.query(
      'SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE query = $1',
      [listenQuery],
    );
    expect(rows.length).toBeGreaterThan(0);
    await newBus().publish([event(topic, 'a', 1)]);
    await waitFor(() => errors.length > 0, { message: 'the lost connection to be reported' });
    await waitFor(() => seen.length === 1, { message: 'delivery after reconnect' });
    await newBus().publish([event(topic, 'a', 2)]);
    await waitFor(() => seen.length === 2, { message: 'NOTIFY on the new connection' });
    expect(seen).toEqual([1, 2]);
    await sub.unsubscribe();
  });

  it('when the active member dies, another member of the group takes over once its lease lapses', async () => {
    const topic = `t-${randomUUID()}`;
    const doomedPool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    doomedPool.on('error', () => {});
    const doomed = createPostgresEventBus({ pool: doomedPool, schema: db.schema, pollIntervalMs: 100, leaseMs: 1_000 });
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => {
      unblock = resolve;
    });
    const doomedSaw: number[] = [];
    const doomedSub = await doomed.subscribe(topic, 'failover', async (e) => {
      doomedSaw.push(e.payload.n as number);
      await blocked;
    });
    await newBus().publish([event(topic, 'a', 1), event(topic, 'a', 2)]);
    await waitFor(() => doomedSaw.length === 1, { message: 'the doomed member to start' });

    const survivor = createPostgresEventBus({ pool: db.pool, schema: db.schema, pollIntervalMs: 100, leaseMs: 1_000 });
    buses.push(survivor);
    const survivorSaw: number[] = [];
    const survivorSub = await survivor.subscribe(topic, 'failover', async (e) => void survivorSaw.push(e.payload.n as number));
    // The member's database connections vanish mid-handler, as when its process dies.
    await doomedPool.end();
    await waitFor(() => survivorSaw.length === 2, { message: 'the survivor to take over' });
    // At-least-once: the event the dead member was handling is delivered again, then the rest in order.
    expect(survivorSaw).toEqual([1, 2]);
    unblock();
    await Promise.all([doomedSub.unsubscribe(), survivorSub.unsubscribe(), doomed.close()]);
  });

  it('unsubscribing while a handler runs returns once it finished, not after the next poll', async () => {
    const topic = `t-${randomUUID()}`;
    // With a poll interval far beyond the test timeout, a consumer that went back to sleep would hang here.
    const bus = newBus(600_000);
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => {
      unblock = resolve;
    });
    const started: number[] = [];
    const sub = await bus.subscribe(topic, 'stop-mid-round', async (e) => {
      started.push(e.payload.n as number);
      await blocked;
    });
    await newBus().publish([event(topic, 'a', 1)]);
    await waitFor(() => started.length === 1, { message: 'the handler to start' });
    const stopped = sub.unsubscribe();
    unblock();
    await stopped;
    const { rows } = await db.pool.query(
      `SELECT position::int AS position, lease_owner FROM "${db.schema}".consumer_offsets WHERE group_name = 'stop-mid-round'`,
    );
    // The handled event was committed to the offset and the lease handed back.
    expect(rows).toEqual([{ position: expect.any(Number), lease_owner: null }]);
    expect(rows[0].position).toBeGreaterThan(0);
  });

  it('a new group can start after the newest event', async () => {
    const topic = `t-${randomUUID()}`;
    await newBus().publish([event(topic, 'a', 1)]);
    const bus = createPostgresEventBus({ pool: db.pool, schema: db.schema, pollIntervalMs: 200, startFrom: 'latest' });
    buses.push(bus);
    const seen: number[] = [];
    const sub = await bus.subscribe(topic, 'from-latest', async (e) => void seen.push(e.payload.n as number));
    await newBus().publish([event(topic, 'a', 2)]);
    await waitFor(() => seen.length >= 1, { message: 'the new event' });
    expect(seen).toEqual([2]);
    await sub.unsubscribe();
  });

  it('within a group each event reaches one member; another group gets its own copy', async () => {
    const topic = `t-${randomUUID()}`;
    const a: string[] = [];
    const b: string[] = [];
    const other: string[] = [];
    const subs = await Promise.all([
      newBus().subscribe(topic, 'shared', async (e) => void a.push(e.id)),
      newBus().subscribe(topic, 'shared', async (e) => void b.push(e.id)),
      newBus().subscribe(topic, 'other', async (e) => void other.push(e.id)),
    ]);
    const events = Array.from({ length: 20 }, (_, n) => event(topic, `agg-${n % 3}`, n));
    await newBus().publish(events);
    await waitFor(() => a.length + b.length === 20 && other.length === 20, { message: 'both groups' });
    expect(new Set([...a, ...b]).size).toBe(20);
    expect(other).toEqual(events.map((e) => e.id));
    await Promise.all(subs.map((s) => s.unsubscribe()));
  });
});
