import type { Clock, HealthReport, Lifecycle, Logger } from '@limitedcart/core';
import type pg from 'pg';

export interface DatabaseClockOptions {
  readonly pool: pg.Pool;
  /** How often the offset is measured again. Default 30 s. */
  readonly resyncMs?: number;
  readonly logger?: Logger;
}

/** The process's clock set to the database's, plus how far apart they were at the last reading. */
export interface DatabaseClock extends Clock, Lifecycle {
  /** Database time minus this process's time, in ms, as last measured (0 before the first reading). */
  offsetMs(): number;
}

/** A process this far off the database is worth a line in the log: its own timestamps will read oddly. */
const NOTEWORTHY_SKEW_MS = 1_000;

/**
 * The engine's `Clock` on the database's time: every process of a deployment then agrees on "now" whatever its
 * own clock says, so a hold's `holdUntil` and a saga's payment deadline — decided by the api that places the order —
 * mean the same instant to the sweep and the saga deciding on them later. The offset is measured when the engine
 * starts and every `resyncMs` after (half a round trip of uncertainty); `now()` itself reads only the process
 * clock, so it costs nothing on the hot path. A failed reading keeps the last good offset.
 */
export function createDatabaseClock(options: DatabaseClockOptions): DatabaseClock {
  const resyncMs = options.resyncMs ?? 30_000;
  let offset = 0;
  let measured = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  const measure = async (): Promise<void> => {
    const sent = Date.now();
    const { rows } = await options.pool.query<{ now: Date }>('SELECT clock_timestamp() AS now');
    const received = Date.now();
    const next = rows[0]!.now.getTime() - (sent + received) / 2;
    if (Math.abs(next) >= NOTEWORTHY_SKEW_MS && (!measured || Math.abs(next - offset) >= NOTEWORTHY_SKEW_MS)) {
      options.logger?.warn('this process’s clock is off the database’s; the engine runs on the database’s time', {
        offsetMs: Math.round(next),
      });
    }
    offset = next;
    measured = true;
  };

  return {
    now: () => new Date(Date.now() + offset),
    offsetMs: () => offset,
    async open() {
      await measure();
      timer = setInterval(() => {
        measure().catch((error: unknown) => options.logger?.debug('clock offset not measured; keeping the last one', { error }));
      }, resyncMs);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
    },
    health: (): HealthReport => ({ name: 'database-clock', ok: measured, detail: `offset ${Math.round(offset)} ms` }),
  };
}
