import type { Clock } from '../ports/small-ports.js';

/** The wall clock. */
export const createSystemClock = (): Clock => ({ now: () => new Date() });

/** A clock that moves only when told to; for deterministic tests of time-dependent rules. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` (may be negative) and returns the new time. */
  advance(ms: number): Date;
  set(at: Date): void;
}

export const createManualClock = (start: Date = new Date(0)): ManualClock => {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
      return new Date(current);
    },
    set(at) {
      current = at.getTime();
    },
  };
};
