import pg from 'pg';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createDatabaseClock } from '../src/index.js';
import { DATABASE_URL, hasDatabase } from './support.js';

describe.skipIf(!hasDatabase)('database clock', () => {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  afterEach(() => vi.useRealTimers());
  afterAll(() => pool.end());

  const databaseNow = async () => (await pool.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0]!.now.getTime();

  it('tells the database’s time in a process whose own clock runs two minutes ahead', async () => {
    // Only Date is faked: the pool's sockets and timers keep running on real time.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 120_000 });
    const clock = createDatabaseClock({ pool });
    expect(Math.abs(clock.now().getTime() - (await databaseNow())), 'before its first reading the clock is the process’s').toBeGreaterThan(100_000);
    await clock.open!();
    expect(clock.offsetMs()).toBeLessThan(-110_000);
    expect(Math.abs(clock.now().getTime() - (await databaseNow())), 'after it, within a round trip of the database').toBeLessThan(1_000);
    expect(await clock.health!()).toMatchObject({ name: 'database-clock', ok: true });
    await clock.close!();
  });

  it('keeps its last offset when a reading fails, and is unhealthy until the first one', async () => {
    const broken = new pg.Pool({ connectionString: 'postgres://nobody:wrong@127.0.0.1:1/none' });
    const clock = createDatabaseClock({ pool: broken });
    await expect(clock.open!()).rejects.toThrow();
    expect(await clock.health!()).toMatchObject({ ok: false });
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(50);
    await clock.close!();
    await broken.end();
  });
});
