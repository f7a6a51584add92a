import type { LedgerEvent } from './events.js';

/**
 * Where the ledger's events live. Append-only: the gate never updates or deletes an event. One gate
 * instance must be the only writer of a log (see the README: this gate is single-process by design).
 */
export interface LedgerLog {
  /** Every event appended so far, oldest first. Called once, when the gate opens. */
  readAll(): Promise<readonly LedgerEvent[]>;
  /** Appends the events in order, all or none as far as a later `readAll` is concerned. */
  append(events: readonly LedgerEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** A log kept in an array: fast, and gone with the process. Handy in tests and for demos. */
export function createMemoryLedgerLog(initial: readonly LedgerEvent[] = []): LedgerLog & { events(): readonly LedgerEvent[] } {
  const events: LedgerEvent[] = [...initial];
  return {
    readAll: async () => [...events],
    append: async (batch) => {
      events.push(...batch);
    },
    close: async () => {},
    events: () => [...events],
  };
}
